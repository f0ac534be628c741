from odoo import api, fields, models

from .res_partner import CARE_USER


class ResPartner(models.Model):
    """The purchase facts of a customer (brief §6), written in bulk by the
    facts refresh (``customer.care.facts``)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # -- purchase facts (refreshed in bulk) -------------------------------
    # The product lines bought and the customer-since date belong to the care
    # profile, one per partner.  The purchase facts are per company
    # (company-dependent, one jsonb column {"company id": value}): each
    # company counts only its own confirmed orders, in its own currency, and
    # reads only its own (see customer.care.facts).  Not indexed: nothing
    # searches them on a large scale, and the nightly refresh rewrites them.
    care_currency_id = fields.Many2one(
        "res.currency", compute="_compute_care_currency_id", groups=CARE_USER
    )
    care_product_category_ids = fields.Many2many(
        "product.category",
        "customer_care_partner_product_category_rel",
        "partner_id",
        "category_id",
        string="Product Lines Bought",
        readonly=True,
        groups=CARE_USER,
    )
    care_order_count = fields.Integer(
        string="Orders",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Confirmed orders of the current company.",
    )
    care_online_order_count = fields.Integer(
        string="Online Orders", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_revenue = fields.Float(
        string="Revenue",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Untaxed total of the confirmed orders of the current company, in its currency.",
    )
    care_first_order_date = fields.Date(
        string="First Order", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_last_order_date = fields.Date(
        string="Last Order", company_dependent=True, index=False, readonly=True, groups=CARE_USER
    )
    care_customer_since = fields.Date(
        string="Customer Since",
        groups=CARE_USER,
        help="Start of the relationship; the first order unless set earlier.",
    )
    care_annual_value = fields.Float(
        string="Average Yearly Revenue",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="In the current company's currency.",
    )
    care_lifetime_value = fields.Float(
        string="Lifetime Value",
        company_dependent=True,
        index=False,
        readonly=True,
        groups=CARE_USER,
        help="Estimated revenue over the coming years from the current company: average "
        "yearly revenue times the expected buying years given the group's retention.",
    )

    @api.depends_context("company")
    def _compute_care_currency_id(self):
        self.care_currency_id = self.env.company.currency_id
