"""Pure business rules of the care policy.

Nothing in this package imports the ORM: the models gather facts over whole
recordsets, call these functions, and write the results back in bulk.
"""

from . import answers
from . import cadence
from . import care_sequence
from . import care_state
from . import channels
from . import classification
from . import facts
from . import followup
from . import inbound
from . import incidents
from . import lifetime_value
from . import outreach
from . import privacy
from . import routing
from . import sla
from . import text
