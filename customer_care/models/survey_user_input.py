from odoo import fields, models


class SurveyUserInput(models.Model):
    """A follow-up satisfaction survey answer feeds its incident."""

    _inherit = "survey.user_input"

    care_incident_id = fields.Many2one("customer.care.incident", index="btree_not_null", copy=False)

    def _mark_done(self):
        result = super()._mark_done()
        score_question = self.env.ref(
            "customer_care.survey_care_satisfaction_score", raise_if_not_found=False
        )
        for answer in self.filtered("care_incident_id"):
            lines = answer.user_input_line_ids
            score = lines.filtered(lambda line: line.question_id == score_question)[:1]
            comment = lines.filtered(lambda line: line.answer_type == "text_box")[:1]
            if score and score.value_scale:
                answer.care_incident_id.sudo()._record_satisfaction(
                    score.value_scale, comment.value_text_box
                )
        return result
