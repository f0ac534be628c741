from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..logic import followup
from ..logic.incidents import (
    REOPENED_BY_RATING,
)

# a rating link (token) works this many days after it was made, unless the
# system parameter below says otherwise
RATING_LINK_DAYS = 30
RATING_LINK_DAYS_PARAM = "customer_care.rating_link_days"


class CustomerCareIncident(models.Model):
    """One-click satisfaction: the resolution and follow-up emails carry
    Odoo's rating faces (``rating.mixin``).  Opening a face's link only
    preselects it; the rating is recorded when the customer submits the
    page, as the incident's satisfaction through the survey's path (the
    survey stays for the longer questionnaire).  An unhappy score sends the
    incident back to work and has the customer called back.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Odoo's public rating page calls this (as superuser, once the
        token matched) when the customer submits a face or stars.  The
        satisfaction is the customer's: nobody sets it through this method
        over RPC, even knowing a token.

        A link works for ``RATING_LINK_DAYS`` days (see
        ``_rating_link_expired``).  Submitting it again with the same score
        only updates the comment; a changed score is recorded again, and
        reopens the incident only when it turns unhappy: a forwarded email
        replayed over and over neither reopens the incident nor adds
        feedback each time."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The customer rates the resolution from the link in the email; "
                    "a care manager corrects the satisfaction on the incident."
                )
            )
        if token:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        if rating and self._rating_link_expired(rating):
            raise UserError(
                self.env._(
                    "This rating link has expired: reply to our email to tell us how it went."
                )
            )
        was_consumed = bool(rating and rating.consumed)
        previous = followup.rating_to_satisfaction(rating.rating) if was_consumed else 0
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        score = followup.rating_to_satisfaction(rating.rating)
        if not score:
            return rating
        incidents = self.sudo()
        if was_consumed and score == previous:
            incidents._rating_feedback_upsert(rating, score, rating.feedback)
            return rating
        if followup.is_unhappy(score) and not followup.is_unhappy(previous):
            incidents.filtered(lambda i: i.state in REOPENED_BY_RATING)._reopen_for_check_back(
                self.env._("Unhappy rating: call the customer back")
            )
        incidents._record_satisfaction(score, rating.feedback, origin="rating", rating=rating)
        return rating

    @api.model
    def _rating_link_days(self):
        """How long a rating link works, in days: the system parameter
        ``customer_care.rating_link_days``, else ``RATING_LINK_DAYS``."""
        raw = self.env["ir.config_parameter"].sudo().get_param(RATING_LINK_DAYS_PARAM)
        try:
            days = int(raw or 0)
        except ValueError:
            days = 0
        return days if days > 0 else RATING_LINK_DAYS

    @api.model
    def _rating_link_expired(self, rating):
        """A link (a rating's token) older than the allowed days no longer
        rates: counted from when the link was made for an email."""
        limit = fields.Datetime.now() - timedelta(days=self._rating_link_days())
        return bool(rating.create_date and rating.create_date < limit)

    def _rating_get_access_token(self, partner=None):
        """A new email carries a link that works: an unused link that has
        expired is replaced by a new one."""
        self.check_access("read")
        expired = (
            self.sudo()
            .rating_ids.filtered(lambda r: not r.consumed)
            .filtered(self._rating_link_expired)
        )
        if expired:
            expired.unlink()
        return super()._rating_get_access_token(partner=partner)

    def _reopen_for_check_back(self, summary):
        """Back to work and a call for the care user who checks back (see
        ``_check_back_callers``); nobody who can take it leaves the call
        unassigned."""
        self._reopen_work(summary, "mail.mail_activity_data_call", self._check_back_callers())
