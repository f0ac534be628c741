from odoo import fields, models


class CustomerCareFactsRun(models.Model):
    """Where the scheduled facts refresh stands: one row while a run is under
    way, none otherwise.

    The run saves its cursor here with each batch's writes, in the same
    transaction, so that a run that dies resumes after the last batch
    done.  Kept in the addon's own table rather than a system parameter:
    writing a parameter clears every worker's caches, once per batch.
    """

    _name = "customer.care.facts.run"
    _description = "Purchase Facts Refresh Progress"
    _log_access = False

    progress = fields.Json(readonly=True)
