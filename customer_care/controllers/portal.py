from urllib.parse import urlencode

from odoo import http, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

INCIDENT = "customer.care.incident"


class CareCustomerPortal(CustomerPortal):
    """ "My requests": the customer's incidents in the portal.

    The record rule of the portal group limits what the customer reads to
    their company's incidents; each page checks the one incident with
    ``_document_check_access`` (rule or access token) and only then reads it
    as superuser, showing only the fields the templates name.
    """

    def _care_requests_domain(self):
        partner = request.env.user.partner_id
        return [("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "care_request_count" in counters:
            Incident = request.env[INCIDENT]
            values["care_request_count"] = (
                Incident.search_count(self._care_requests_domain())
                if Incident.has_access("read")
                else 0
            )
        return values

    # read-only: served by a read replica when there is one (the session's
    # history list is not in the database; the rows link to ``access_url``,
    # since ``get_portal_url`` would write a missing access token)
    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_care_requests(self, page=1, **kw):
        Incident = request.env[INCIDENT]
        values = self._prepare_portal_layout_values()
        readable = Incident.has_access("read")
        domain = self._care_requests_domain()
        pager = portal_pager(
            url="/my/requests",
            total=Incident.search_count(domain) if readable else 0,
            page=page,
            step=self._items_per_page,
        )
        incidents = (
            Incident.search(
                domain,
                order="date_received desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if readable
            else Incident
        )
        values.update(
            {
                "incidents": incidents.sudo(),
                "page_name": "care_request",
                "pager": pager,
                "default_url": "/my/requests",
            }
        )
        request.session["my_care_requests_history"] = incidents.ids[:100]
        return request.render("customer_care.portal_my_care_requests", values)

    def _care_request_errors(self):
        """What the request's page says when an action was refused: the
        link names one of these codes, never a text of its own (a link
        someone sends must not make the shop's page say anything)."""
        return {
            "not_solved": request.env._(
                "This request is not solved yet: reply to the conversation to add information."
            ),
            "not_waiting": request.env._(
                "This request is not waiting for a replacement or a refund to reach you."
            ),
        }

    # not read-only: the page gives the incident its access token when it has
    # none yet (``get_portal_url`` / ``_portal_ensure_token`` write it)
    @http.route(["/my/requests/<int:incident_id>"], type="http", auth="public", website=True)
    def portal_my_care_request(self, incident_id, access_token=None, error=None, **kw):
        incident_sudo = self._care_request_check(incident_id, access_token)
        if not isinstance(incident_sudo, models.BaseModel):
            return incident_sudo
        values = self._get_page_view_values(
            incident_sudo,
            access_token,
            {
                "incident": incident_sudo,
                "page_name": "care_request",
                "error": self._care_request_errors().get(error) if error else None,
                "token": incident_sudo._portal_ensure_token(),
            },
            "my_care_requests_history",
            False,
        )
        return request.render("customer_care.portal_my_care_request", values)

    def _care_request_check(self, incident_id, access_token):
        """The incident as superuser once the visitor may see it (its
        customer, or the holder of its link); else a visitor who is not
        signed in goes to the login page and anybody else gets a 404, so
        another customer's request numbers tell nothing."""
        try:
            return self._document_check_access(INCIDENT, incident_id, access_token=access_token)
        except (AccessError, MissingError):
            if request.env.user._is_public():
                path = request.httprequest.path
                return request.redirect(f"/web/login?{urlencode({'redirect': path})}")
            return request.not_found()

    def _care_request_action(self, incident_id, access_token, method, error_code):
        """Run the customer's action; a refusal comes back to the page as
        ``error_code`` (see ``_care_request_errors``)."""
        incident_sudo = self._care_request_check(incident_id, access_token)
        if not isinstance(incident_sudo, models.BaseModel):
            return incident_sudo
        user = request.env.user
        # a share link's visitor acts as the incident's customer
        partner = incident_sudo.partner_id if user._is_public() else user.partner_id
        try:
            getattr(incident_sudo, method)(partner)
        except UserError:
            query = "&" + urlencode({"error": error_code})
            return request.redirect(incident_sudo.get_portal_url(query_string=query))
        return request.redirect(incident_sudo.get_portal_url())

    @http.route(
        ["/my/requests/<int:incident_id>/received"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_care_request_received(self, incident_id, access_token=None, **kw):
        return self._care_request_action(
            incident_id, access_token, "_portal_confirm_received", "not_waiting"
        )

    @http.route(
        ["/my/requests/<int:incident_id>/reopen"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_care_request_reopen(self, incident_id, access_token=None, **kw):
        return self._care_request_action(incident_id, access_token, "_portal_reopen", "not_solved")

    @http.route(["/my/requests/new"], type="http", auth="user", website=True)
    def portal_care_request_new(self, subject=None, description=None, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "care_request_new", "subject": subject or ""})
        values["description"] = description or ""
        if request.httprequest.method == "POST":
            try:
                incident = (
                    request.env[INCIDENT]
                    .sudo()
                    ._portal_new_request(request.env.user, subject, description)
                )
            except UserError as error:
                values["error"] = error.args[0]
            else:
                return request.redirect(incident.get_portal_url())
        return request.render("customer_care.portal_care_request_new", values)
