from . import intake
from . import open311
from . import open311_updates
from . import portal
from . import request_form
from . import track
from . import work
