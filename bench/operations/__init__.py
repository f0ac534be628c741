"""The benchmarked operations, by name.

Each operation is timed twice on the same data: once through the addon's
own code (the ORM path, usually a cron method that commits batch by batch)
and once as a hand-written SQL pass that computes the same result in SQL
alone.  An operation brings five functions, each taking a :class:`Context`:

``reset``
    Put the data back in the state both sides start from (so both do the
    same work).  Runs outside the timings.
``orm``
    The addon's path; returns the number of rows it handled.  Batches that
    commit through ``ir.cron._commit_progress`` are measured on their own
    (queries, time, memory); others may call ``ctx.probe.mark(rows)``.
``snapshot``
    Keep what the ORM path produced (e.g. in an unlogged table).
``sql``
    The raw SQL counterpart; returns the number of rows it handled.
``check``
    Compare the SQL result with the snapshot; returns a dict of mismatch
    counts (all zero when both agree) and may print details.
``cleanup``
    Drop what ``snapshot`` kept.

To add an operation, write a module in this package that calls
:func:`register` and import it below.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OPERATIONS = {}


@dataclass
class Context:
    """What an operation's functions get: the environment and the run options."""

    env: Any
    batch_size: int
    probe: Any
    today: Any
    verbose: bool = False
    notes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    name: str
    description: str
    reset: Callable[[Context], None]
    orm: Callable[[Context], int]
    snapshot: Callable[[Context], None]
    sql: Callable[[Context], int]
    check: Callable[[Context], dict]
    cleanup: Callable[[Context], None]


def register(operation):
    OPERATIONS[operation.name] = operation
    return operation


from . import facts_refresh  # noqa: E402 - the modules register themselves
