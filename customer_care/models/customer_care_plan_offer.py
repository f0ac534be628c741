from odoo import api, fields, models

REACTIONS = [
    ("interested", "Interested"),
    ("thinking", "Thinking it over"),
    ("not_interested", "Not interested"),
]


class CustomerCarePlanOffer(models.Model):
    """An offer, product or promotion presented during a care contact.

    Introducing new value (brief §2, step 4) records what was presented and
    how the customer reacted; interest feeds the plan's sales opportunity.
    """

    _name = "customer.care.plan.offer"
    _description = "Care Offer"
    _order = "step_id, id"

    step_id = fields.Many2one(
        "customer.care.plan.step", required=True, index=True, ondelete="cascade"
    )
    plan_id = fields.Many2one(related="step_id.plan_id", store=True, index=True)
    company_id = fields.Many2one(related="step_id.plan_id.company_id", store=True)
    product_id = fields.Many2one("product.product")
    name = fields.Char(
        string="Offer",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The offer, product or preferential policy presented.",
    )
    reaction = fields.Selection(REACTIONS, required=True, default="thinking")
    amount = fields.Float(
        string="Expected Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="What the customer might spend on it; feeds the opportunity's expected revenue.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for offer in self:
            if offer.product_id:
                offer.name = offer.product_id.display_name

    @api.depends("product_id")
    def _compute_amount(self):
        for offer in self:
            if offer.product_id:
                offer.amount = offer.product_id.lst_price
