from . import logic
from . import models
