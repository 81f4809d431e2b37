from . import citizen_request_transfer_wizard
from . import maintenance_request_reply_wizard
