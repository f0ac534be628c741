from . import controllers
from . import logic
from . import models
