from odoo import fields, models, tools


class MailMail(models.Model):
    """Outreach emails carry the one-click unsubscribe (RFC 8058): the
    ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers and a footer
    link in the customer's language.  Only outreach emails: the rule run
    marks them with the company they speak for; incident replies,
    acknowledgements and other mail are left as they are."""

    _inherit = "mail.mail"

    care_outreach_company_id = fields.Many2one(
        "res.company",
        string="Outreach of",
        readonly=True,
        help="Sent by an outreach rule of this company: carries its unsubscribe link.",
    )

    def _prepare_outgoing_list(self, mail_server=False, doc_to_followers=None):
        email_list = super()._prepare_outgoing_list(
            mail_server=mail_server, doc_to_followers=doc_to_followers
        )
        company = self.care_outreach_company_id
        if not company or self.model != "res.partner" or not self.res_id:
            return email_list
        partner = self.env["res.partner"].sudo().browse(self.res_id).exists()
        if not partner:
            return email_list
        url = partner._care_unsubscribe_url(company)
        footer = (
            self.env["ir.qweb"]
            .with_context(lang=partner.lang or company.partner_id.lang)
            ._render(
                "customer_care.outreach_unsubscribe_footer",
                {"unsubscribe_url": url, "company": company},
            )
        )
        for email_values in email_list:
            email_values["headers"].update(
                {
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
            )
            body = email_values.get("body") or ""
            if "</body>" in body:
                email_values["body"] = body.replace("</body>", f"{footer}</body>", 1)
            else:
                email_values["body"] = f"{body}{footer}"
            email_values["body_alternative"] = tools.html2plaintext(email_values["body"])
        return email_list
