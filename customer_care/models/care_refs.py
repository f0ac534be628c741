"""Records of the addon's data that scheduled jobs and actions rely on.

An administrator may delete a mail template, an activity type or the
satisfaction survey; a scheduled job that looked it up with a plain
``env.ref`` would then fail on every run and stop the rest of its work.
These look-ups log a warning and hand back a fallback instead.
"""

import logging

_logger = logging.getLogger(__name__)

GENERIC_ACTIVITY = "mail.mail_activity_data_todo"


def optional_ref(env, xmlid, purpose):
    """The record ``xmlid``, or an empty value (``None``) with a warning
    saying what is left out (``purpose``)."""
    record = env.ref(xmlid, raise_if_not_found=False)
    if not record:
        _logger.warning("%s was deleted: %s is skipped.", xmlid, purpose)
        return None
    return record


def activity_type_ref(env, xmlid):
    """The activity type ``xmlid``; the generic to-do when it was deleted.

    Read through the cached external id (deleting a record deletes its
    external id), so a scheduled batch pays no query for it."""
    type_id = env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
    if type_id:
        return env["mail.activity.type"].browse(type_id)
    _logger.warning("Activity type %s was deleted: a generic to-do is scheduled instead.", xmlid)
    generic = env.ref(GENERIC_ACTIVITY, raise_if_not_found=False)
    return generic or env["mail.activity.type"].search([("res_model", "=", False)], limit=1)
