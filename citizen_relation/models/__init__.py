from . import citizen_request_category
from . import citizen_request_stage
from . import citizen_request
from . import mail_thread
from . import res_partner
from . import res_config_settings
