from odoo import fields, models


class CustomerCareLostReason(models.Model):
    """Why a customer left (brief §6: lost customers and why they left).

    Seeded from the handbook's list — price, service, product, moved,
    competitor, no longer needed, other — and extendable by managers.
    """

    _name = "customer.care.lost.reason"
    _description = "Lost Customer Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the reason between companies."
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("care_lost_reason_id", "in", self.ids)], ["care_lost_reason_id"], ["__count"]
            )
        )
        for reason in self:
            reason.partner_count = counts.get(reason, 0)
