from . import test_franceconnect
