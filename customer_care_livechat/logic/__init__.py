"""Pure rules of the live chat door: no ORM here."""

from . import transcript
