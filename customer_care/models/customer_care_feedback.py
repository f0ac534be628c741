from odoo import api, fields, models

SOURCES = [
    ("point_of_purchase", "Point of purchase"),
    ("order_comment", "Order comment"),
    ("hotline", "Hotline"),
    ("voicemail", "Voicemail"),
    ("survey", "Survey"),
    ("focus_group", "Focus group"),
    ("social", "Social network"),
]
SENTIMENTS = [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")]


class CustomerCareFeedback(models.Model):
    """What a customer told the company, wherever it was said (brief §7).

    Point-of-purchase questions, order comments, the hotline and voicemail,
    surveys, focus groups and social networks all end as feedback records on
    the customer, visible to managers and front-line staff.
    """

    _name = "customer.care.feedback"
    _description = "Customer Feedback"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "summary"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    source = fields.Selection(SOURCES, required=True, default="hotline", tracking=True)
    sentiment = fields.Selection(SENTIMENTS, required=True, default="neutral", tracking=True)
    summary = fields.Char(
        compute="_compute_summary", store=True, readonly=False, precompute=True, required=True
    )
    text = fields.Text(string="What Was Said", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded By",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True)
    incident_id = fields.Many2one(
        "customer.care.incident", index="btree_not_null", check_company=True
    )
    plan_id = fields.Many2one(
        "customer.care.plan", string="Care Plan", index="btree_not_null", check_company=True
    )
    rating_id = fields.Many2one(
        "rating.rating",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer's rating this feedback records (one feedback per rating).",
    )
    partner_care_group_id = fields.Many2one(related="partner_id.care_group_id", string="Care Group")

    _date_source_idx = models.Index("(company_id, date, source)")

    @api.depends("text")
    def _compute_summary(self):
        for feedback in self:
            first_line = (feedback.text or "").strip().splitlines()
            if first_line:
                feedback.summary = first_line[0][:80]
            elif not feedback.summary:
                feedback.summary = self.env._("Feedback")
