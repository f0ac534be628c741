from . import controllers
from . import logic
from . import models
from .hooks import uninstall_hook
