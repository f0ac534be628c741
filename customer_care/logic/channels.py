"""The one channel selection used by every model of the addon.

Selection labels are exported and translated through the fields that use
them, so they stay plain strings here.
"""

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("sms", "SMS"),
    ("social", "Social network"),
    ("visit", "Visit"),
]

PRIORITIES = [
    ("0", "Normal"),
    ("1", "Important"),
    ("2", "High"),
    ("3", "Urgent"),
]
