from . import test_api_client
from . import test_intake
from . import test_open311
from . import test_portal
from . import test_request_form
from . import test_routes
from . import test_tours
from . import test_query_budgets
