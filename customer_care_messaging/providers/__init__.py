"""Chat app providers: what differs from one chat app to the next.

Each provider is one module of this package defining one subclass of
:class:`~.base.Provider` decorated with :func:`~.base.register`; the
modules are imported here one by one, so adding a provider is one new file
(plus its demo account).  Nothing here touches the database: the models
give a provider the account's keys and the request, and the provider says
whether the signature holds, which events the request carries, and how to
call its API.
"""

import importlib
import pkgutil

from .base import (
    REGISTRY,
    Event,
    Provider,
    SendResult,
    Webhook,
    get,
    register,
    selection,
)

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")
