from . import portal_chatter
from . import rating
