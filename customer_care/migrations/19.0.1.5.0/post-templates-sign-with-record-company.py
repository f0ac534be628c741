"""19.0.1.5.0: the outreach templates sign with the rule's company.

The seeded birthday, anniversary and check-in emails and the birthday and
warranty SMS named ``(object.company_id or user.company_id)``: a customer
shared between companies got the scheduler's own company (root's) whatever
rule wrote to them.  They now name ``env.company``, the rule's company the
outreach renders them in.  The templates are an administrator's to edit
(``noupdate``): only that expression is replaced, in every language, and
the rest of what an administrator wrote is kept.
"""

from odoo.tools import SQL

OLD = "user.company_id"
NEW = "env.company"
MAIL_TEMPLATES = (
    "mail_template_care_birthday",
    "mail_template_care_anniversary",
    "mail_template_care_checkin",
)
SMS_TEMPLATES = ("sms_template_care_birthday", "sms_template_care_warranty")


def _replace(cr, table, model, names, columns):
    cr.execute(
        SQL(
            """UPDATE %(table)s t SET %(sets)s
                 FROM ir_model_data d
                WHERE d.module = 'customer_care' AND d.model = %(model)s
                  AND d.name IN %(names)s AND d.res_id = t.id""",
            table=SQL.identifier(table),
            sets=SQL(", ").join(
                SQL(
                    "%(col)s = replace(%(col)s::text, %(old)s, %(new)s)::%(type)s",
                    col=SQL.identifier(column),
                    old=OLD,
                    new=NEW,
                    type=SQL(sql_type),
                )
                for column, sql_type in columns
            ),
            model=model,
            names=names,
        )
    )


def migrate(cr, version):
    if not version:
        return
    _replace(
        cr,
        "mail_template",
        "mail.template",
        MAIL_TEMPLATES,
        [("subject", "jsonb"), ("body_html", "jsonb"), ("email_from", "varchar")],
    )
    _replace(cr, "sms_template", "sms.template", SMS_TEMPLATES, [("body", "jsonb")])
