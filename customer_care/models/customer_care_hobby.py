from odoo import fields, models


class CustomerCareHobby(models.Model):
    """Hobbies and interests: care goes beyond the job (brief §1)."""

    _name = "customer.care.hobby"
    _description = "Hobby or Interest"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _name_uniq = models.Constraint("UNIQUE(name)", "This hobby already exists.")
