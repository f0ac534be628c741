"""Incidents opened by the customer's own email (customers reach care
themselves): the kind an email is filed under and the time it counts from.

The kind is guessed conservatively: an email is a question unless its
subject or text plainly says it is a complaint, so nobody's SLA policy gets
stricter on a guess.  Keywords cover the languages the shop serves:
English, Vietnamese, Thai, Simplified and Traditional Chinese.
"""

import re
import unicodedata

KIND_DEFAULT = "question"
KIND_COMPLAINT = "complaint"

# lower-cased, NFC; Latin words match whole words, the others as substrings
# (Thai and Chinese are written without spaces between words)
COMPLAINT_WORDS = (
    # English
    "complaint",
    "complain",
    "complaining",
    "unacceptable",
    "disappointed",
    "refund",
    "broken",
    "defective",
    # Vietnamese
    "khiếu nại",
    "phàn nàn",
    "bức xúc",
    "thất vọng",
    "hoàn tiền",
)
COMPLAINT_FRAGMENTS = (
    # Thai
    "ร้องเรียน",
    "ไม่พอใจ",
    "คืนเงิน",
    "ชำรุด",
    # Simplified Chinese
    "投诉",
    "不满",
    "退款",
    "损坏",
    # Traditional Chinese
    "投訴",
    "客訴",
    "不滿",
    "損壞",
)
_WORDS_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in COMPLAINT_WORDS) + r")(?!\w)")


def _normalized(text):
    return unicodedata.normalize("NFC", text or "").casefold()


def guess_kind(subject, body_text):
    """``'complaint'`` when the subject or the plain-text body says so,
    else ``'question'``."""
    text = _normalized(f"{subject or ''}\n{body_text or ''}")
    if _WORDS_RE.search(text) or any(fragment in text for fragment in COMPLAINT_FRAGMENTS):
        return KIND_COMPLAINT
    return KIND_DEFAULT


def received_at(email_date, now):
    """When the incident counts as received: the email's date, never later
    than ``now`` (a sender's clock ahead of ours), ``now`` when unknown."""
    if not email_date or email_date > now:
        return now
    return email_date
