from . import faq
from . import portal
from . import rating
from . import privacy
from . import unsubscribe
