from odoo import http
from odoo.http import request

INCIDENT = "customer.care.incident"


class CareReportController(http.Controller):
    @http.route(
        "/report-a-problem/thank-you",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def care_report_thanks(self, **kw):
        """The page after the *Report a problem* form: the reference of the
        request the visitor just sent (Odoo's website form keeps it in the
        session).  A signed-in customer whose request it is gets the time
        the care team promises to answer by and the link to follow it in
        the portal; anybody else a general promise, since the time follows
        the customer's care group and would tell whether an address typed
        is a known (or a valued) customer's.  Nothing else of the incident
        is shown."""
        incident = request.env[INCIDENT]
        if request.session.get("form_builder_model_model") == INCIDENT:
            incident = incident.browse(request.session.get("form_builder_id") or []).sudo().exists()
        user = request.env.user
        follow_url = (
            incident.get_portal_url()
            if incident and not user._is_public() and incident.with_user(user).has_access("read")
            else False
        )
        return request.render(
            "customer_care_website.report_problem_thanks",
            {"incident": incident, "follow_url": follow_url},
        )
