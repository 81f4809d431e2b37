from . import citizen_api_client
from . import citizen_request
from . import citizen_submission_throttle
