from odoo.addons.website.controllers import form

from ..logic import web_form

INCIDENT = "customer.care.incident"


class CareWebsiteForm(form.WebsiteForm):
    """Odoo's website form, for the *Report a problem* page.

    The route, its captcha check and the whitelist stay Odoo's: only
    ``insert_record`` is extended, as ``website_crm`` does for leads, to set
    the customer (found by the visitor's address, or the signed-in user)
    before the incident is created, to bound the text of the fields a post
    names beyond the form's (Odoo adds it to the customer's words after the
    form's own filter), and to warn the care team after; and
    ``insert_attachment`` to refuse more, bigger or other files than the
    page offers (its limits are the browser's only).  A refusal undoes the
    whole post: Odoo's route runs it in a savepoint.
    """

    def insert_record(self, request, model_sudo, values, custom, meta=None):
        if model_sudo.model != INCIDENT:
            return super().insert_record(request, model_sudo, values, custom, meta=meta)
        user = request.env.user
        company = request.website.company_id
        Incident = request.env[INCIDENT].sudo()
        partner = Incident._website_form_partner(user, company, values)
        values.update({"partner_id": partner.id, "company_id": company.id})
        custom = web_form.clip(custom, web_form.MAX_CUSTOM) if custom else custom
        meta = web_form.clip(meta, web_form.MAX_CUSTOM) if meta else meta
        incident_id = super().insert_record(request, model_sudo, values, custom, meta=meta)
        Incident.browse(incident_id)._website_form_received(user)
        return incident_id

    def insert_attachment(self, model_sudo, id_record, files):
        if model_sudo.model == INCIDENT:
            model_sudo.env[INCIDENT]._website_form_check_files(files)
        return super().insert_attachment(model_sudo, id_record, files)
