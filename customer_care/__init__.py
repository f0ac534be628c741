from . import logic
from . import models
from . import wizard
