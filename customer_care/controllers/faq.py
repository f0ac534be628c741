from odoo import http
from odoo.http import request

ANSWER = "customer.care.answer"
FAQ_SIZE = 50


class CareFaq(http.Controller):
    """The portal's FAQ: the approved answers a care manager published,
    most used first, in the customer's language.

    Customers have no access to the answer library: the page reads it as
    superuser with a strict domain (approved, published, the current
    company's or shared) and shows only the title and the text, the
    customer's name and the company filled in (``logic/answers.py``).
    """

    @http.route("/my/faq", type="http", auth="user", website=True)
    def portal_care_faq(self, **kw):
        company = request.env.company
        faq = request.env[ANSWER].sudo().with_context(lang=request.env.lang)
        answers = faq._faq_answers(company, limit=FAQ_SIZE)
        values = {
            "customer": request.env.user.partner_id.name,
            "company": company.name,
        }
        return request.render(
            "customer_care.portal_care_faq",
            {
                "page_name": "care_faq",
                "faq": [answer._faq_entry(values) for answer in answers],
            },
        )
