from . import citizen_request_channel_report
