"""19.0.1.5.0: the acknowledgement of incoming emails repeats nothing of the
email.

Its template used to quote the email's subject and greet the sender by the
name the email gave: a forged sender had the shop deliver their text to the
address they named.  The template is kept from upgrades (``noupdate``), so
a database installed before gets the new subject and body here, when its
template still quotes the subject or the name (a template rewritten without
them is left as the administrator wrote it).  The other languages' texts
are cleared with it: the upgrade then loads their new translations.
"""

import logging

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.misc import file_path

_logger = logging.getLogger(__name__)

XMLID = "mail_template_care_incident_acknowledgement"
DATA_FILE = "customer_care/data/customer_care_team_data.xml"
ECHOES = ("object.name", "object.partner_id.name", "object.partner_id.display_name")


def _new_values():
    """The subject and body the data file now gives the template, as the
    XML loader reads them."""
    root = etree.parse(file_path(DATA_FILE)).getroot()
    record = root.find(f".//record[@id='{XMLID}']")
    subject = record.find("field[@name='subject']").text
    body = record.find("field[@name='body_html']")
    body_html = "".join(etree.tostring(node, method="html", encoding="unicode") for node in body)
    return subject, body_html


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref(f"customer_care.{XMLID}", raise_if_not_found=False)
    if not template:
        return
    subject, body_html = _new_values()
    current = template.with_context(lang="en_US")
    for fname, value in (("subject", subject), ("body_html", body_html)):
        if not any(echo in (current[fname] or "") for echo in ECHOES):
            continue
        # through the ORM, as the data file would write it; then only the
        # English text is kept, the upgrade loads the other languages
        current.write({fname: value})
        current.flush_recordset([fname])
        env.execute_query(
            SQL(
                "UPDATE mail_template SET %s = jsonb_build_object('en_US', %s->'en_US') "
                "WHERE id = %s",
                SQL.identifier(fname),
                SQL.identifier(fname),
                template.id,
            )
        )
        template.invalidate_recordset([fname])
        _logger.info("Acknowledgement template: %s no longer repeats the email", fname)
