from . import citizen_franceconnect
from . import res_partner
from . import res_users
from . import citizen_request
from . import res_config_settings
