from werkzeug.exceptions import NotFound

from odoo.addons.rating.controllers.main import Rating

INCIDENT = "customer.care.incident"


class CareRating(Rating):
    """Odoo's public rating page: an incident's rating link that has
    expired (see ``_rating_link_expired`` on the incident) opens nothing,
    neither the page preselecting a face nor the submission."""

    def _get_rating_and_record(self, token):
        rating_sudo, record_sudo = super()._get_rating_and_record(token)
        if record_sudo._name == INCIDENT and record_sudo._rating_link_expired(rating_sudo):
            raise NotFound()
        return rating_sudo, record_sudo
