"""Data rights of a customer: the copy of what is kept (access, copy,
portability) and the retention period after which it is erased.

Pure functions: the models gather the records, these shape the file and
the dates.
"""

import io
import json
import re
import zipfile
from datetime import date, datetime

from dateutil.relativedelta import relativedelta

# one download of their data per customer and this many minutes (portal)
EXPORT_COOLDOWN_MINUTES = 10
# the file name inside the zip holding the data
DATA_NAME = "personal_data.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"not serializable: {type(value).__name__}")


def to_json(data):
    """The data as indented UTF-8 JSON (dates in ISO 8601, the text as
    written: Vietnamese, Thai and Chinese stay readable)."""
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2, sort_keys=True).encode(
        "utf-8"
    )


def safe_name(name, fallback="file"):
    """A file name that cannot leave its folder of the archive."""
    cleaned = _UNSAFE.sub("_", (name or "").strip()).strip("._")
    return cleaned[:120] or fallback


def build_file(data, attachments, stem):
    """``(content, mimetype, filename)``: one JSON file, or a zip of the
    JSON and the attachments ``[(id, name, bytes)]`` when there are any.
    Each attachment is stored as ``attachments/<id>_<name>`` and listed in
    the JSON under ``attachments`` with that path."""
    payload = dict(data)
    if not attachments:
        return to_json(payload), "application/json", f"{stem}.json"
    paths = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for att_id, name, content in attachments:
            path = f"attachments/{att_id}_{safe_name(name)}"
            archive.writestr(path, content or b"")
            paths.append({"id": att_id, "name": name, "path": path})
        payload["attachments"] = paths
        archive.writestr(DATA_NAME, to_json(payload))
    return buffer.getvalue(), "application/zip", f"{stem}.zip"


def retention_cutoff(today, months):
    """The last day a customer lost or dropped on it is kept: those lost
    before it are erased.  ``None`` when the company keeps them forever
    (0 months)."""
    if not months or months <= 0:
        return None
    return today - relativedelta(months=months)


def export_allowed(last_export, now, minutes=EXPORT_COOLDOWN_MINUTES):
    """Whether a customer may download their data again now."""
    return not last_export or (now - last_export).total_seconds() >= minutes * 60
