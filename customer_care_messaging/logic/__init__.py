from . import conversation
