from . import test_citizen_request_receipt_pdf
