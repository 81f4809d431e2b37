from . import test_citizen_request_photos
