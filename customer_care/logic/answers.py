"""Approved answers: the placeholders an answer may use and how they are filled.

An answer of the library is written once per language by the care team and
sent many times (step 3 of the care sequence, "answer questions", and the
incidents).  Its text names what changes from one customer to the next with
placeholders in double braces: ``{{customer}}``, ``{{order}}``,
``{{promised_date}}``, ``{{company}}`` and ``{{user}}``.  Filling them is a
plain substitution of known names by escaped values: no expression is ever
evaluated, so an answer's author cannot run anything, and what a customer
typed (their name, an order reference) cannot inject markup.
"""

import re
from html import escape

PLACEHOLDERS = ("customer", "order", "promised_date", "company", "user")
# the placeholders a portal FAQ may use: the rest need a conversation
FAQ_PLACEHOLDERS = ("customer", "company")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]*)\s*\}\}")


def placeholders_in(text):
    """The placeholder names ``text`` uses, in their order of first use."""
    seen = []
    for name in _PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def unknown_placeholders(text):
    """The placeholder names of ``text`` that are not in :data:`PLACEHOLDERS`
    (a typo such as ``{{custmer}}`` would reach the customer as written)."""
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def render(text, values, html=True):
    """``(rendered, missing)``: ``text`` with each known placeholder replaced
    by its value from ``values`` (``{name: str}``), escaped for HTML unless
    ``html`` is false, and the names used but without a value.  A placeholder
    without a value, or unknown, stays as written, visible: the user fills
    it in before sending (see :func:`unfilled`)."""
    missing = []

    def fill(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name)
        if value in (None, False, ""):
            if name not in missing:
                missing.append(name)
            return match.group(0)
        value = str(value)
        return escape(value) if html else value

    return _PLACEHOLDER.sub(fill, text or ""), missing


def unfilled(text):
    """The placeholders still in ``text``: an answer is sent only once the
    user filled in what the record did not know."""
    return placeholders_in(text)
