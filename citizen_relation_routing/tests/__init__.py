from . import test_escalation
from . import test_routing
from . import test_security
from . import test_transfer
from . import test_work_order
from . import test_workload_tour
from . import test_privacy
