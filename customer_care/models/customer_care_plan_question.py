from odoo import api, fields, models
from odoo.fields import Domain

QUESTION_STATES = [("open", "Open"), ("answered", "Answered")]


class CustomerCarePlanQuestion(models.Model):
    """A question or request raised during a care contact (brief §2, step 3).

    Answered on the spot, or kept open with a promised answer date: an open
    question is never lost, it stays on the customer's file until answered.
    """

    _name = "customer.care.plan.question"
    _description = "Care Question"
    _order = "state, date_promised, id"

    step_id = fields.Many2one(
        "customer.care.plan.step", required=True, index=True, ondelete="cascade"
    )
    plan_id = fields.Many2one(related="step_id.plan_id", store=True, index=True, string="Care Plan")
    partner_id = fields.Many2one(
        related="step_id.plan_id.partner_id", store=True, index=True, string="Customer"
    )
    user_id = fields.Many2one(related="step_id.plan_id.user_id", store=True, string="Responsible")
    company_id = fields.Many2one(related="step_id.plan_id.company_id", store=True)
    name = fields.Text(string="Question", required=True)
    answer = fields.Text()
    state = fields.Selection(
        QUESTION_STATES, compute="_compute_state", store=True, index=True, string="Status"
    )
    date_promised = fields.Date(
        string="Answer Promised By",
        help="When the customer was promised an answer to a question that could "
        "not be answered on the spot.",
    )
    is_overdue = fields.Boolean(
        string="Past Its Promise",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Still open after the date the customer was promised an answer.",
    )

    incident_id = fields.Many2one(
        "customer.care.incident",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The tracked incident a question not answered on the spot became.",
    )

    @api.depends("answer")
    def _compute_state(self):
        for question in self:
            question.state = "answered" if (question.answer or "").strip() else "open"

    @api.depends("state", "date_promised")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for question in self:
            question.is_overdue = bool(
                question.state == "open"
                and question.date_promised
                and question.date_promised < today
            )

    def _search_is_overdue(self, operator, value):
        if operator != "in":
            return NotImplemented
        overdue = Domain("state", "=", "open") & Domain(
            "date_promised", "<", fields.Date.context_today(self)
        )
        return overdue if True in value else ~overdue

    def _raise_incidents(self):
        """Questions not answered on the spot become tracked incidents of kind
        question, with the promise as their clock [001, 003], waiting in the
        care inbox since the customer asked: never a hand-off into nowhere."""
        todo = self.filtered(lambda q: q.state == "open" and not q.incident_id)
        if not todo:
            return
        # no sudo: whoever closes the step runs the plan (its own or an
        # unassigned one), and so may create incidents assigned as the plan is
        incidents = self.env["customer.care.incident"].create(
            [
                {
                    "name": question.name[:120],
                    "description": question.name,
                    "kind": "question",
                    "partner_id": question.partner_id.id,
                    "user_id": question.user_id.id,
                    "channel": question.plan_id.channel,
                    "company_id": question.company_id.id,
                    "plan_id": question.plan_id.id,
                    # the customer has waited for the answer since they asked:
                    # the incident is in the care inbox
                    "date_awaiting_reply": question.create_date,
                }
                for question in todo
            ]
        )
        for question, incident in zip(todo, incidents, strict=True):
            question.incident_id = incident
