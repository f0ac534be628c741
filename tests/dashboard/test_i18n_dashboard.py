"""The dashboards in Vietnamese, Thai and Chinese, like the rest of the app:
every string of the bridge's template is translated in each catalogue."""

from odoo.tests import TransactionCase, tagged

from ..common import assert_catalogues_complete


@tagged("post_install", "-at_install")
class TestDashboardCatalogues(TransactionCase):
    def test_every_string_of_the_bridge_is_translated_in_each_language(self):
        assert_catalogues_complete(self, "customer_care_dashboard", "Customer Care")
