"""What a customer types, cut to size.

The portal's *New request* page and the website's *Report a problem* form
(``customer_care_website``) take free text from customers: every text is
bounded (a pasted log or a robot's megabytes do not bloat the incident) and
loses the control characters the database refuses.
"""

import re

# the customer's words on a request they send themselves
MAX_DESCRIPTION = 10_000
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
