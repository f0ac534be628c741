from . import delivery
