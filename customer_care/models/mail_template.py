from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_care_outreach_rule(self):
        """A template an outreach rule sends is kept: a clear message instead
        of the database's refusal."""
        self.env["customer.care.outreach.rule"]._check_templates_unused("mail_template_id", self)
