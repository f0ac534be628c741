from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_normalize, formataddr, html2plaintext, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from ..logic import web_form


class CustomerCareIncident(models.Model):
    """Customers reach care themselves, from the website.

    The *Report a problem* page posts to Odoo's website form
    (``/website/form/customer.care.incident``), which checks the captcha of
    the installed captcha addon, keeps only the whitelisted fields (subject,
    the customer's words and the contact details the visitor typed, see
    ``data/customer_care_website_form_data.xml``) and creates the incident
    as superuser.  Everything else a post carries ends as plain text in the
    customer's words, never in a field.  The channel, the time received and
    the kind are set here, the customer and the website's company in the
    form's controller (``controllers/website_form.py``).
    """

    _inherit = "customer.care.incident"

    contact_name = fields.Char(
        string="Name Given", help="The name the visitor typed in the website form."
    )
    contact_email = fields.Char(
        string="Email Given",
        help="The address the visitor typed in the website form; the incident's "
        "customer is the one with this address.",
    )
    contact_phone = fields.Char(
        string="Phone Given", help="The phone number the visitor typed in the website form."
    )

    def website_form_input_filter(self, request, values):
        """Odoo's website form hands over the whitelisted values here (the
        name is its hook).  The texts are cut to size, the subject taken from
        the description when left empty; an empty description, or a visitor
        who is not signed in and gave no valid email address, sends the
        form back with those fields marked (the list of field names is what
        the form expects)."""
        text = web_form.clip(
            html2plaintext(values.get("description") or ""), web_form.MAX_DESCRIPTION
        )
        subject = web_form.subject(values.get("name"), text)
        email = web_form.one_line(values.get("contact_email"), web_form.MAX_CONTACT)
        missing = []
        if not text:
            missing.append("description")
        if (email and not email_normalize(email)) or (not email and self.env.user._is_public()):
            missing.append("contact_email")
        if missing:
            raise ValidationError(missing)
        values.update(
            {
                "name": subject,
                "description": plaintext2html(text),
                "contact_name": web_form.one_line(values.get("contact_name"), web_form.MAX_CONTACT),
                "contact_email": email,
                "contact_phone": web_form.one_line(
                    values.get("contact_phone"), web_form.MAX_CONTACT
                ),
            }
        )
        # what the visitor posted decides neither the kind, nor when, nor who
        for fname in ("kind", "date_received", "user_id"):
            values.pop(fname, None)
        return self._intake_values("website", values, subject, text)

    @api.model
    def _website_form_partner(self, user, company, values):
        """The customer of a web form: a signed-in user is their own
        contact (their company's requests are theirs in the portal); a
        visitor is matched by the address typed, as the sender of an email
        is (that address's customer, else Odoo's partner finder, else a new
        contact of the website's company)."""
        partner = user.partner_id
        if not user._is_public() and (not partner.company_id or partner.company_id == company):
            return partner
        email = values.get("contact_email") or partner.email
        normalized = email_normalize(email or "")
        if not normalized:
            raise UserError(self.env._("Give your email address, so that we can answer you."))
        phone = values.get("contact_phone")
        return self._inbound_partner(
            formataddr((values.get("contact_name") or "", normalized)),
            company,
            new_partner_values={"phone": phone} if phone else None,
        )

    @api.model
    def _website_form_check_files(self, files):
        """The files of a post: at most ``MAX_FILES``, each at most
        ``MAX_FILE_BYTES``, photos, PDFs, text and office documents only
        (judged by their content, not their name).  The page says the same
        to the browser; a robot posting directly is refused here."""
        if len(files) > web_form.MAX_FILES:
            raise UserError(
                self.env._("Attach at most %s files to your report.", web_form.MAX_FILES)
            )
        limit_mb = web_form.MAX_FILE_BYTES // (1024 * 1024)
        for file in files:
            data = file.read(web_form.MAX_FILE_BYTES + 1)
            file.seek(0)
            if len(data) > web_form.MAX_FILE_BYTES:
                raise UserError(
                    self.env._(
                        "%(file)s is larger than %(size)s MB: attach a smaller file.",
                        file=file.filename,
                        size=limit_mb,
                    )
                )
            if guess_mimetype(data) not in web_form.FILE_TYPES:
                raise UserError(
                    self.env._(
                        "%s cannot be attached: send photos (JPEG, PNG, GIF, WebP), PDF, "
                        "text or office documents.",
                        file.filename,
                    )
                )

    def _website_form_received(self, user):
        """The incident is the customer's conversation: they follow it (the
        care team's answers reach them by email).  The care user is warned
        as for an email: a dropped customer, a known customer's name from
        another address, and an address nobody verified (typed by a visitor
        who was not signed in, or signed in as someone else)."""
        self.ensure_one()
        self.message_subscribe(partner_ids=self.partner_id.ids)
        if self.partner_id != user.partner_id:
            self._message_log(
                body=self.env._(
                    "Sent from the website with the address of %s, by somebody who was not "
                    "signed in as them: nothing proves it is them, make sure before sharing "
                    "anything about their orders.",
                    self.partner_id.display_name,
                )
            )
        email = formataddr((self.contact_name or "", self.contact_email or ""))
        self._log_inbound_warnings(
            email if self.contact_email else False,
            self.env["customer.care.team"],
            self.company_id,
        )
