from . import franceconnect
