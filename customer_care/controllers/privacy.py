from odoo import fields, http
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..logic import privacy


class CarePrivacyPortal(CustomerPortal):
    """The customer's privacy page (``/my/privacy``): download a copy of
    their data, ask for its deletion.  Every action is about the signed-in
    user's own commercial partner, never a partner named in the request;
    the actions are POSTs carrying the CSRF token."""

    def _care_privacy_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _care_privacy_messages(self):
        """What the page says after an action: the link names a code, never
        a text of its own."""
        return {
            "too_soon": request.env._(
                "Your data was downloaded a few minutes ago: please try again in %s minutes.",
                privacy.EXPORT_COOLDOWN_MINUTES,
            ),
            "requested": request.env._(
                "We received your request to delete your personal data. Our customer care "
                "team will handle it and confirm it to you."
            ),
            "pending": request.env._(
                "Your request to delete your personal data is already being handled."
            ),
        }

    def _care_privacy_values(self, message=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "care_privacy",
                "care_privacy_partner": self._care_privacy_partner(),
                "care_privacy_message": self._care_privacy_messages().get(message),
                "care_privacy_message_code": message,
            }
        )
        return values

    @http.route(["/my/privacy"], type="http", auth="user", website=True)
    def portal_care_privacy(self, message=None, **kw):
        return request.render(
            "customer_care.portal_my_care_privacy", self._care_privacy_values(message)
        )

    @http.route(["/my/privacy/download"], type="http", auth="user", methods=["POST"], website=True)
    def portal_care_privacy_download(self, **kw):
        partner = self._care_privacy_partner().sudo()
        now = fields.Datetime.now()
        if not privacy.export_allowed(partner.care_privacy_export_date, now):
            return request.redirect("/my/privacy?message=too_soon")
        content, mimetype, filename = partner._care_personal_data_file()
        partner.care_privacy_export_date = now
        partner.message_post(
            body=request.env._(
                "%(user)s downloaded the customer's personal data from the portal (%(file)s).",
                user=request.env.user.name,
                file=filename,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", content_disposition(filename)),
                ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )

    @http.route(["/my/privacy/erase"], type="http", auth="user", methods=["POST"], website=True)
    def portal_care_privacy_erase(self, confirm=None, **kw):
        if not confirm:
            return request.redirect("/my/privacy")
        partner = self._care_privacy_partner().sudo()
        created = partner._care_request_erasure()
        return request.redirect(f"/my/privacy?message={'requested' if created else 'pending'}")
