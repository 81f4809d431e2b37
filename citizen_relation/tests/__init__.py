from . import test_citizen_request_identity
from . import test_citizen_request_signed_link
