"""What a visitor types in the *Report a problem* form, cut to size.

The form is open to anybody: every text is bounded (a pasted log or a
robot's megabytes do not bloat the incident), loses the control characters
the database refuses, and the subject is one line, taken from the first
line of the description when the visitor left it empty.
"""

import re

MAX_SUBJECT = 200
MAX_DESCRIPTION = 10_000
MAX_CONTACT = 120
ELLIPSIS = "…"
# C0 controls but tab and newlines, and DEL: PostgreSQL refuses NUL in text
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text):
    """``text`` without control characters, trailing spaces and outer blank lines."""
    lines = _CONTROLS.sub("", text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def clip(text, limit):
    """``text`` cleaned, cut to ``limit`` characters (an ellipsis marks a cut)."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def one_line(text, limit):
    """``text`` cleaned and on one line, its spaces collapsed, cut to ``limit``."""
    return clip(" ".join(clean(text).split()), limit)


def subject(given, description_text, limit=MAX_SUBJECT):
    """The incident's subject: the visitor's own, else the first line of
    what they wrote; empty when both are."""
    line = one_line(given, limit)
    if line:
        return line
    first = next((row for row in clean(description_text).split("\n") if row.strip()), "")
    return one_line(first, limit)
