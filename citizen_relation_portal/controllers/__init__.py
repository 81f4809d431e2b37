from . import intake
from . import nearby
from . import open311
from . import portal
from . import request_form
from . import track
