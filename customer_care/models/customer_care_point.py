from odoo import fields, models

POINT_KINDS = [("satisfied", "Satisfied with"), ("dissatisfied", "Dissatisfied with")]


class CustomerCarePoint(models.Model):
    """What customers say they were satisfied or dissatisfied with.

    Recalling past value (brief §2, step 1) records these points as tags, so
    the next contact opens with what went wrong last time and managers can
    count the recurring ones.
    """

    _name = "customer.care.point"
    _description = "Satisfaction Point"
    _order = "kind, name"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(POINT_KINDS, required=True, default="satisfied")
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _name_kind_uniq = models.Constraint(
        "UNIQUE(name, kind)", "This satisfaction point already exists."
    )
