from . import controllers
from . import logic
from . import models
from . import report
from . import wizard
