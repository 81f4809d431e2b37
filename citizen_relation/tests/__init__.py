from . import test_citizen_request_identity
from . import test_citizen_request_photos
from . import test_citizen_request_ratings_access
from . import test_citizen_request_receipt_pdf
from . import test_citizen_request_signed_link
from . import test_query_budgets
