"""The four-step care sequence every care contact runs (brief §2, §4).

1. recall past value, 2. learn current needs, 3. answer questions,
4. introduce new value.  A step may only be closed (done or skipped with a
reason) once every earlier step is closed, and a plan is complete only when
all four are closed.  Plain values in, plain values out: the models pass
step codes and states.
"""

STEPS = [
    ("recall", "Recall past value"),
    ("needs", "Learn current needs"),
    ("answer", "Answer questions"),
    ("offer", "Introduce new value"),
]
STEP_CODES = tuple(code for code, _label in STEPS)
STEP_STATES = [("todo", "To Do"), ("done", "Done"), ("skipped", "Skipped")]
CLOSED_STATES = frozenset({"done", "skipped"})

GREETING_COMPANY = "{company}"
GREETING_USER = "{user}"


def step_sequence(step):
    """Position of a step in the sequence, starting at 1."""
    return STEP_CODES.index(step) + 1


def blocking_step(step, states):
    """The first earlier step still open, or ``None`` when ``step`` may close.

    ``states`` maps step codes to their state; a step missing from it (a
    plan built without that step) does not block.
    """
    for code in STEP_CODES[: STEP_CODES.index(step)]:
        state = states.get(code)
        if state is not None and state not in CLOSED_STATES:
            return code
    return None


def closed_later_step(step, states):
    """The first later step already closed, or ``None`` when ``step`` may
    reopen: reopening keeps the steps closed in order."""
    for code in STEP_CODES[STEP_CODES.index(step) + 1 :]:
        if states.get(code) in CLOSED_STATES:
            return code
    return None


def open_steps(states):
    """The steps still to do, in sequence order."""
    return [code for code in STEP_CODES if code in states and states[code] not in CLOSED_STATES]


def render_greeting(template, company, user):
    """The call script's opening line with the company and the caller filled in.

    Administrators write ``{company}`` and ``{user}`` in the greeting; any
    other brace is left as written (no format-string injection).
    """
    text = template or ""
    return text.replace(GREETING_COMPANY, company or "").replace(GREETING_USER, user or "")
