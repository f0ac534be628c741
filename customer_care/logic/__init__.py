"""Pure business rules of the care policy.

Nothing in this package imports the ORM: the models gather facts over whole
recordsets, call these functions, and write the results back in bulk.
"""

from . import (
    cadence,
    care_state,
    channels,
    classification,
    facts,
    incidents,
    lifetime_value,
    sla,
)
