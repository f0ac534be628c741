from odoo import api, fields, models
from odoo.tools import SQL, create_index


class ResPartner(models.Model):
    """Finding the customer behind an incoming email, web form or chat
    sender: by address, as Odoo's mail gateway does, and the namesake check
    (someone writing under a customer's name from another address)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # the care address, the web form and the chat apps find the sender by
    # this address, as Odoo's mail gateway does: Odoo stores it without an
    # index, a scan of every contact per incoming email (bench/README.md,
    # inbound_mail.py, has the figures)
    email_normalized = fields.Char(index="btree_not_null")

    def init(self):
        result = super().init()
        # names compared without case, for _care_namesake
        create_index(
            self.env.cr,
            "res_partner_care_lower_name_idx",
            self._table,
            ["lower(name)"],
            where="email_normalized IS NOT NULL",
        )
        return result

    @api.model
    def _care_namesake(self, name, email_normalized, company):
        """An active contact of ``company`` (or shared by every company)
        named ``name`` whatever the case, with an email address other than
        ``email_normalized``: someone writing under a customer's name from
        another address."""
        name = (name or "").strip()
        if not name:
            return self.browse()
        self.flush_model(["name", "email_normalized", "active", "company_id"])
        self.env.cr.execute(self._care_namesake_query(name, email_normalized, company))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _care_namesake_query(self, name, email_normalized, company):
        """The query of :meth:`_care_namesake`, read through the index on
        ``lower(name)``: the ``=ilike`` domain reads every contact.  Any
        namesake will do, so no ORDER BY: ordered by id, the planner walks
        the primary key looking for one."""
        return SQL(
            """SELECT id FROM res_partner
                WHERE lower(name) = lower(%s)
                  AND email_normalized IS NOT NULL AND email_normalized != %s
                  AND active AND (company_id = %s OR company_id IS NULL)
                LIMIT 1""",
            name,
            email_normalized or "",
            company.id,
        )
