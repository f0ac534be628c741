from markupsafe import Markup

from odoo import api, fields, models

from ..logic import routing
from ..logic.incidents import OPEN_STATES, ROUTE_ON_CREATE


class CustomerCareIncident(models.Model):
    """Routing: who takes the incidents customers open through a door
    (email, website form, chat apps, live chat).

    Every door builds its values with ``_intake_values``, which marks them
    to be routed; ``create`` then assigns each incident nobody was given to
    a person of its care team by the team's rule (``logic/routing.py``), in
    the same transaction, and logs on the incident who took it and why, or
    that nobody could.  An incident without a team goes to the company's
    first active team that routes (its team is set).  A batch (the chat
    apps open theirs in one ``create``) is read in a constant number of
    queries, each choice counting as open work for the next ones.
    """

    _inherit = "customer.care.incident"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [dict(vals) for vals in vals_list]
        routed = [index for index, vals in enumerate(vals_list) if vals.pop(ROUTE_ON_CREATE, False)]
        notes = self._route_values([vals_list[index] for index in routed]) if routed else []
        incidents = super().create(vals_list)
        bodies = {
            incidents[index].id: Markup("<p>%s</p>") % note
            for index, note in zip(routed, notes, strict=True)
            if note
        }
        if bodies:
            incidents.browse(list(bodies))._message_log_batch(bodies)
        return incidents

    @api.model
    def _route_values(self, vals_list):
        """Assign the new incidents of ``vals_list`` (changed in place: their
        ``user_id``, and ``team_id`` when the company's routing team was
        taken) and return the chatter note of each (``None``: the team
        assigns by hand, nothing to say).

        An incident already given to somebody is left alone.  The facts are
        read for the whole batch: the teams, the customers' care
        responsibles, who is in (``customer.care.team._routing_present``)
        and the open incidents per person, in one grouped count.
        """
        notes = [None] * len(vals_list)
        todo = [index for index, vals in enumerate(vals_list) if not vals.get("user_id")]
        if not todo:
            return notes
        Team = self.env["customer.care.team"].sudo().with_context(active_test=False)
        company_of = {
            index: vals_list[index].get("company_id") or self.env.company.id for index in todo
        }
        teamless = {company_of[index] for index in todo if not vals_list[index].get("team_id")}
        fallback = {}
        if teamless:
            for team in Team.with_context(active_test=True).search(
                [("company_id", "in", list(teamless)), ("assignment_method", "!=", routing.MANUAL)]
            ):
                fallback.setdefault(team.company_id.id, team)
        team_of = {}
        for index in todo:
            vals = vals_list[index]
            team = Team.browse(vals.get("team_id")) or fallback.get(company_of[index])
            if not team:
                continue
            vals["team_id"] = team.id
            # an archived team, or one of another company, routes nothing
            if (
                team.active
                and team.assignment_method != routing.MANUAL
                and team.company_id.id == company_of[index]
            ):
                team_of[index] = team
        if not team_of:
            return notes
        teams = Team.union(*team_of.values())
        Users = self.env["res.users"].sudo()
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse(
                {
                    vals_list[index]["partner_id"]
                    for index, team in team_of.items()
                    if team.assign_care_responsible and vals_list[index].get("partner_id")
                }
            )
        )
        responsible_of = {
            partner.id: (partner.care_user_id or partner.commercial_partner_id.care_user_id).id
            for partner in partners
        }
        responsibles = Users.browse({user_id for user_id in responsible_of.values() if user_id})
        present = teams._routing_present(fields.Datetime.now(), responsibles)
        people = teams.member_ids | responsibles
        open_counts = {
            user.id: count
            for user, count in self.sudo()._read_group(
                [("user_id", "in", people.ids), ("state", "in", OPEN_STATES)],
                ["user_id"],
                ["__count"],
            )
        }
        settings = {
            team.id: routing.TeamRouting(
                members=tuple(team.member_ids.ids),
                method=team.assignment_method,
                cap=team.assignment_cap,
                responsible_first=team.assign_care_responsible,
                present=frozenset(present[team.id]),
            )
            for team in teams
        }
        last = {team.id: team.routing_last_user_id.id or None for team in teams}
        requests = [
            (team.id, responsible_of.get(vals_list[index].get("partner_id")))
            for index, team in team_of.items()
        ]
        choices, turns = routing.route(requests, settings, open_counts, last)
        for team in teams:
            if turns[team.id] != last[team.id]:
                team.routing_last_user_id = turns[team.id]
        names = {user.id: user.name for user in Users.browse({u for u, _rule in choices if u})}
        for index, (user_id, rule) in zip(team_of, choices, strict=True):
            team = team_of[index]
            if user_id:
                vals_list[index]["user_id"] = user_id
            notes[index] = self._route_note(names.get(user_id), rule, team)
        return notes

    def _route_note(self, name, rule, team):
        """The chatter note of a routed incident: who took it by which rule,
        or that nobody could."""
        if not name:
            return self.env._(
                "Not assigned: nobody of the care team %s can take it now (out of working "
                "hours, on time off or at the cap of open incidents). It stays unassigned "
                "for the team to take.",
                team.name,
            )
        if rule == routing.RESPONSIBLE:
            return self.env._("Assigned to %s: the customer's care responsible.", name)
        if rule == routing.LEAST_BUSY:
            return self.env._(
                "Assigned to %(user)s: the least busy member of the care team %(team)s.",
                user=name,
                team=team.name,
            )
        return self.env._(
            "Assigned to %(user)s: next in turn in the care team %(team)s (round robin).",
            user=name,
            team=team.name,
        )
