from . import intake
from . import open311
from . import portal
from . import request_form
from . import track
from . import statements
