from odoo import fields, http
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..logic import consent, privacy


class CarePrivacyPortal(CustomerPortal):
    """The customer's privacy page (``/my/privacy``): give or withdraw
    their consents, download a copy of their data, ask for its deletion.
    Every action is about the signed-in user's own commercial partner,
    never a partner named in the request; the actions are POSTs carrying
    the CSRF token."""

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
            "consent_saved": request.env._("Your choice is saved. Thank you."),
            "pending": request.env._(
                "Your request to delete your personal data is already being handled."
            ),
        }

    def _care_privacy_consent_env(self):
        """Consents are kept per company: the customer's own, else the one
        the portal runs in."""
        partner = self._care_privacy_partner().sudo()
        company = partner.company_id or request.env.company
        consents = request.env["customer.care.consent"].sudo().with_company(company)
        return partner.with_company(company), consents

    def _care_privacy_consents(self):
        """``[(purpose, state)]`` of the customer, every purpose listed."""
        partner, _consents = self._care_privacy_consent_env()
        return [
            (purpose, partner._care_consent_state(purpose, consent.ANY)[partner.id])
            for purpose, _label in consent.PURPOSES
        ]

    def _care_privacy_values(self, message=None):
        values = self._prepare_portal_layout_values()
        values["care_consents"] = self._care_privacy_consents()
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

    @http.route(["/my/privacy/consent"], type="http", auth="user", methods=["POST"], website=True)
    def portal_care_privacy_consent(self, purpose=None, state=None, **kw):
        """The customer gives or withdraws a consent (any channel), recorded
        as an entry of the history with the portal as its source."""
        if purpose not in dict(consent.PURPOSES) or state not in dict(consent.STATES):
            return request.redirect("/my/privacy")
        partner, consents = self._care_privacy_consent_env()
        consents._record(
            partner,
            purpose,
            state,
            channel=consent.ANY,
            source="portal",
            evidence=request.env._("Customer portal, signed in as %s", request.env.user.login),
        )
        return request.redirect("/my/privacy?message=consent_saved")
