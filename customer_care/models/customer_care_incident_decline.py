from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..logic import sla
from .care_refs import activity_type_ref

CARE_MANAGER = "customer_care.group_care_manager"
# a clock a little ahead of the server's still records "now"
RECEIVED_TOLERANCE = timedelta(minutes=5)
REQUESTABLE_STATES = ("new", "acknowledged", "in_progress")


class CustomerCareIncident(models.Model):
    """Saying no (brief §5): nobody declines a customer without a care
    manager's approval.  A care user requests the decline with its reason
    (*pending decline*, an activity for the managers); a manager approves
    it (*declined*) or rejects it (back to work, find what we can do)."""

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_decline_values(vals, creating=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_decline_values(vals)
        return super().write(vals)

    def _check_decline_values(self, vals, creating=False):
        """No path but a requested decline approved by a manager sets an
        incident declined (brief §5: nobody says "no" without approval).

        A context key would not hold: any JSON-RPC client sends the context
        it likes.  What a client cannot choose is to run as superuser, so
        the two steps of the trail write their state as superuser after
        their own checks: :meth:`action_request_decline` (the reason, the
        manager's activity) enters *pending decline*, and
        :meth:`action_approve_decline` (care managers) sets *declined*, and
        only over incidents waiting in *pending decline* with a reason.  No
        incident is created pending or declined.
        """
        declining = vals.get("state") == "declined" or vals.get("resolution_type") == "declined"
        requesting = vals.get("state") == "pending_decline"
        if not (declining or requesting):
            return
        refused = creating or not self.env.su
        if declining and not refused:
            refused = any(
                incident.state != "pending_decline" or not (incident.decline_reason or "").strip()
                for incident in self
            )
        if refused:
            raise AccessError(
                self.env._(
                    "Nobody says no to a customer without a manager's approval: "
                    "request the decline with its reason and a care manager approves it."
                )
            )

    def action_open_decline_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request a Decline"),
            "res_model": "customer.care.decline.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_ids": self.ids},
        }

    def action_request_decline(self, reason=None):
        """Ask a care manager to approve saying "no" to the customer [000].

        The reason is required (given here or already on the incident); the
        incident waits in *pending decline* and the care manager gets an
        activity to approve or reject it.
        """
        self.check_access("write")
        self._check_state(REQUESTABLE_STATES, self.env._("Requesting a decline"))
        reason = (reason or "").strip()
        for incident in self:
            if not (reason or (incident.decline_reason or "").strip()):
                raise UserError(
                    self.env._("Explain why %s should be declined.", incident.display_name)
                )
        if reason:
            self.write({"decline_reason": reason})
        # as superuser, the mark of this path (see _check_decline_values);
        # the chatter still names the user
        self.sudo().write({"state": "pending_decline"})
        activity_type = activity_type_ref(
            self.env, "customer_care.mail_activity_type_care_decline_approval"
        )
        for incident in self:
            approver = incident.sla_policy_id.sudo()._escalation_users(
                sla.LEVEL_MANAGER, incident.company_id.sudo()
            )[:1]
            incident.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self._decline_summary(),
                note=incident.decline_reason,
                user_id=(approver or self.env.user).id,
            )
        return True

    def _decline_summary(self):
        return self.env._("Approve or reject the decline")

    def _check_manager(self):
        if not (self.env.su or self.env.user.has_group(CARE_MANAGER)):
            raise AccessError(self.env._("Only a care manager can approve or reject a decline."))

    def action_approve_decline(self):
        """Managers only: the customer is told "no", with the reason given."""
        self._check_manager()
        self._check_state(("pending_decline",), self.env._("Approving a decline"))
        self.check_access("write")
        now = fields.Datetime.now()
        # as superuser, the mark of this path (see _check_decline_values)
        self.sudo().write({"state": "declined", "resolution_type": "declined"})
        self._write_clocks({"date_resolved": now})
        self.filtered(lambda i: not i.date_first_response)._write_clocks(
            {"date_first_response": now}
        )
        self._close_decline_activities(self.env._("Decline approved."))
        return True

    def action_reject_decline(self):
        """Managers only: the decline is refused, work goes on."""
        self._check_manager()
        self._check_state(("pending_decline",), self.env._("Rejecting a decline"))
        self._write_state({"state": "in_progress", "decline_reason": False})
        self._close_decline_activities(self.env._("Decline rejected: find what we can do."))
        return True

    def _close_decline_activities(self, feedback):
        activity_type = self.env.ref(
            "customer_care.mail_activity_type_care_decline_approval", raise_if_not_found=False
        )
        if activity_type:
            activities = self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        else:
            # the type was deleted: the request was scheduled as a generic to-do
            summary = self._decline_summary()
            activities = self.activity_ids.filtered(lambda a: a.summary == summary)
        if activities:
            activities.sudo().action_feedback(feedback=feedback)
        else:
            for incident in self:
                incident.message_post(body=feedback, subtype_xmlid="mail.mt_note")
