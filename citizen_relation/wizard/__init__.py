from . import citizen_request_quick_entry
from . import citizen_personal_data_export
from . import citizen_request_quick_entry_location
from . import citizen_district_import
from . import citizen_request_missing_pieces
