from . import test_citizen_request_ratings_access
from . import test_query_budgets
