"""What a live chat conversation gives an incident: its subject, and the
address the visitor typed.

A conversation is hostile input like any other door's: the subject is cut to
one bounded line, and an address is only taken when it looks like one (the
models normalize it again before matching a customer).
"""

import re
from html import unescape

from odoo.addons.customer_care.logic import text as care_text

MAX_SUBJECT = 100
_TAGS = re.compile(r"<[^>]*>")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def plain(html):
    """The text of a message body, without its markup."""
    return unescape(_TAGS.sub(" ", html or ""))


def subject(value):
    """The incident's subject: the first line of ``value``, bounded."""
    first = care_text.clean(value or "").split("\n", 1)[0]
    return care_text.one_line(first, MAX_SUBJECT)


def last_email(bodies):
    """The last email address in the visitor's messages ``bodies`` (newest
    first), or ``None``."""
    for body in bodies:
        found = _EMAIL.findall(plain(body))
        if found:
            return found[-1]
    return None
