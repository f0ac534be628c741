from . import logic, models, wizard
