from odoo.addons.website.controllers import form

INCIDENT = "customer.care.incident"


class CareWebsiteForm(form.WebsiteForm):
    """Odoo's website form, for the *Report a problem* page.

    The route, its captcha check and the whitelist stay Odoo's: only
    ``insert_record`` is extended, as ``website_crm`` does for leads, to set
    the customer (found by the visitor's address, or the signed-in user)
    before the incident is created, and to warn the care team after.
    """

    def insert_record(self, request, model_sudo, values, custom, meta=None):
        if model_sudo.model != INCIDENT:
            return super().insert_record(request, model_sudo, values, custom, meta=meta)
        user = request.env.user
        company = request.website.company_id
        Incident = request.env[INCIDENT].sudo()
        partner, known = Incident._website_form_partner(user, company, values)
        values.update({"partner_id": partner.id, "company_id": company.id})
        incident_id = super().insert_record(request, model_sudo, values, custom, meta=meta)
        Incident.browse(incident_id)._website_form_received(user, known)
        return incident_id
