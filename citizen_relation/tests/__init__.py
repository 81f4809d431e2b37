from . import test_citizen_request_photos
from . import test_citizen_request_ratings_access
from . import test_citizen_request_receipt_pdf
