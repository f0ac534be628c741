from odoo import http
from odoo.http import request

from ..logic import unsubscribe

ROUTE = "/care/unsubscribe/<int:partner_id>/<int:company_id>/<string:token>"


class CareUnsubscribe(http.Controller):
    """The unsubscribe link of outreach emails and SMS, without login.

    ``List-Unsubscribe`` points mail providers at the link: their one-click
    POST (RFC 8058, body ``List-Unsubscribe=One-Click``, no session, no CSRF
    token) withdraws the customer's marketing consent by email.  The visible
    footer link opens the same address with a GET, which changes nothing
    (mail scanners follow links): it shows a page whose button POSTs, with
    the page's CSRF token, to ``…/confirm``.  A wrong token, another
    customer's or another company's, answers 404 without saying which part
    was wrong; the token never reaches a log or a page.  The SMS's link
    names its channel (``?channel=sms``) and withdraws consent by SMS.
    """

    def _care_check(self, partner_id, company_id, token):
        """The customer and company of a valid link, else ``None``."""
        secret = request.env["ir.config_parameter"].sudo().get_param("database.secret")
        if not unsubscribe.verify(secret, partner_id, company_id, token):
            return None
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not partner or not company:
            return None
        return partner.with_company(company).with_context(
            lang=partner.lang or company.partner_id.lang
        )

    def _care_render(self, partner, template, **values):
        """The page in the customer's language (as the email's footer)."""
        lang = partner.env.lang
        if lang and lang in dict(request.env["res.lang"].get_installed()):
            request.update_context(lang=lang)
        return request.render(
            template,
            {"partner": partner, "company": partner.env.company, **values},
            headers={"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"},
        )

    @http.route(ROUTE, type="http", auth="public", methods=["GET", "POST"], csrf=False)
    def care_unsubscribe(self, partner_id, company_id, token, **post):
        partner = self._care_check(partner_id, company_id, token)
        if partner is None:
            return request.not_found()
        if request.httprequest.method == "GET":
            return self._care_render(
                partner,
                "customer_care.unsubscribe_page",
                confirm_url=request.httprequest.path + "/confirm",
                channel=unsubscribe.link_channel(request.httprequest.args.get("channel")),
            )
        # without CSRF token: only RFC 8058's one-click request is accepted,
        # which mail programs send for the email's List-Unsubscribe
        if not unsubscribe.is_one_click(request.httprequest.form):
            return request.make_response("", status=400)
        if not partner._care_unsubscribe("email", one_click=True):
            return request.make_response("", status=429)
        return request.make_response("", status=200)

    @http.route(ROUTE + "/confirm", type="http", auth="public", methods=["POST"])
    def care_unsubscribe_confirm(self, partner_id, company_id, token, channel=None, **post):
        partner = self._care_check(partner_id, company_id, token)
        if partner is None:
            return request.not_found()
        channel = unsubscribe.link_channel(channel)
        if not partner._care_unsubscribe(channel):
            return request.make_response("", status=429)
        return self._care_render(partner, "customer_care.unsubscribe_done_page", channel=channel)
