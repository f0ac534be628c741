from . import controllers
from . import logic
from . import models
from . import providers
from . import wizard
