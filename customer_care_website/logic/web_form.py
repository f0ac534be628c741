"""What a visitor types in the *Report a problem* form, cut to size.

The form is open to anybody: every text is bounded and cleaned as the
portal's requests are (``customer_care/logic/text.py``), the subject is one
line, taken from the first line of the description when the visitor left
it empty, and the files are few, small and of the kinds the page offers.
"""

from odoo.addons.customer_care.logic.text import (
    ELLIPSIS,
    MAX_DESCRIPTION,
    clean,
    clip,
    one_line,
)

# the form's callers use the text helpers from here too
__all__ = [
    "ELLIPSIS",
    "FILE_TYPES",
    "MAX_CONTACT",
    "MAX_CUSTOM",
    "MAX_DESCRIPTION",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_SUBJECT",
    "clean",
    "clip",
    "one_line",
    "subject",
]

MAX_SUBJECT = 200
MAX_CONTACT = 120
# the text of the fields a post names beyond the form's (``insert_record``)
MAX_CUSTOM = 2_000
# files: how many, how big, which kinds (the page's own limits, enforced
# again by the server: a robot does not run the page's script)
MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)


def subject(given, description_text, limit=MAX_SUBJECT):
    """The incident's subject: the visitor's own, else the first line of
    what they wrote; empty when both are."""
    line = one_line(given, limit)
    if line:
        return line
    first = next((row for row in clean(description_text).split("\n") if row.strip()), "")
    return one_line(first, limit)
