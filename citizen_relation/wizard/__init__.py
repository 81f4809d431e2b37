from . import citizen_request_quick_entry
