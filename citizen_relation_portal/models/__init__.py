from . import citizen_api_client
from . import citizen_request
from . import citizen_request_category
from . import citizen_request_category_attribute
from . import citizen_request_category_attribute_value
from . import citizen_submission_throttle
from . import res_partner
from . import citizen_request_nearby
