import email.policy

from odoo import models

# RFC 2369 / 8058: mail providers read the address in List-Unsubscribe as it
# is; folded into encoded words (which the default policy does with a line
# longer than 78 characters) it is no address any more.  RFC 5322 allows
# lines up to 998 characters.
UNFOLDED_HEADERS = frozenset({"list-unsubscribe"})


class _UnsubscribeNoFoldPolicy(type(email.policy.SMTP)):
    def _fold(self, name, value, *args, **kwargs):
        if name.lower() in UNFOLDED_HEADERS:
            return email.policy.SMTP.clone(max_line_length=None)._fold(name, value, *args, **kwargs)
        return super()._fold(name, value, *args, **kwargs)


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def _build_email__(self, *args, **kwargs):
        """An email with an unsubscribe address (outreach, see mail_mail.py)
        keeps it on one line."""
        message = super()._build_email__(*args, **kwargs)
        if message["List-Unsubscribe"] and type(message.policy) is type(email.policy.SMTP):
            message.policy = _UnsubscribeNoFoldPolicy(linesep=message.policy.linesep)
        return message
