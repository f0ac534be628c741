import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class SurveyUserInput(models.Model):
    """A follow-up satisfaction survey answer feeds its incident."""

    _inherit = "survey.user_input"

    care_incident_id = fields.Many2one("customer.care.incident", index="btree_not_null", copy=False)

    def _mark_done(self):
        """Record the customer's rating on the incident.

        The rating is the answer to the seeded score question; when an
        administrator deleted that question, the first 1-5 scale answer is
        taken, so that a customer's submission never fails and its rating is
        not lost."""
        result = super()._mark_done()
        answers = self.filtered("care_incident_id")
        if not answers:
            return result
        score_question = self.env.ref(
            "customer_care.survey_care_satisfaction_score", raise_if_not_found=False
        )
        if not score_question:
            _logger.warning(
                "customer_care.survey_care_satisfaction_score was deleted: the first scale "
                "answer of the survey is taken as the rating."
            )
        for answer in answers:
            lines = answer.user_input_line_ids
            if score_question:
                score = lines.filtered(lambda line: line.question_id == score_question)[:1]
            else:
                score = lines.filtered(lambda line: line.answer_type == "scale")[:1]
            comment = lines.filtered(lambda line: line.answer_type == "text_box")[:1]
            if score and score.value_scale:
                answer.care_incident_id.sudo()._record_satisfaction(
                    score.value_scale, comment.value_text_box
                )
        return result
