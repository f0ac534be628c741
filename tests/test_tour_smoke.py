"""The browser path: a care user opens the Customer Care app."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSmokeTour(HttpCase):
    def test_care_user_opens_the_app(self):
        new_test_user(
            self.env,
            login="care_tour_user",
            password="care_tour_user",
            groups="base.group_user,customer_care.group_care_user",
        )
        self.start_tour("/odoo", "customer_care_smoke_tour", login="care_tour_user")
