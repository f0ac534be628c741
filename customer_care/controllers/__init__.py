from . import faq
from . import portal
from . import rating
from . import unsubscribe
