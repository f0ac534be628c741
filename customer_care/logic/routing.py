"""Who takes a new incident that a customer opened through a door (email,
website form, chat app, live chat).

Each care team says how its new inbound work is assigned: by hand (the team
takes it from the incident list), in turn among its members (round robin),
or to the member with the fewest open incidents (least busy); the
customer's care responsible first when the team says so.  Only a person who
may take work (an active care user of the company) and is in now (working
hours, not on time off) takes it, and never beyond the team's cap of open
incidents per person.  Nobody able to take it leaves it unassigned.

The model gathers the facts of a whole batch of incidents (members, who is
in, open incidents per person, who was assigned last) in a few queries; the
functions below decide, the choices of a batch counting as open work for
the next ones.
"""

from dataclasses import dataclass

MANUAL = "manual"
ROUND_ROBIN = "round_robin"
LEAST_BUSY = "least_busy"
ASSIGNMENT_METHODS = [
    (MANUAL, "Manual"),
    (ROUND_ROBIN, "Round Robin"),
    (LEAST_BUSY, "Least Busy"),
]
# the rule that chose a person, besides the team's method
RESPONSIBLE = "responsible"


@dataclass(frozen=True)
class TeamRouting:
    """A team's routing settings and who of its people is in now.

    ``members`` are the team's members in their order (user ids);
    ``present`` the ids of the users (members, and the customers' care
    responsibles) who may take the team's work and are in now; ``cap`` the
    most open incidents a person may have (0: no cap).
    """

    members: tuple = ()
    method: str = MANUAL
    cap: int = 0
    responsible_first: bool = False
    present: frozenset = frozenset()


def in_turn(members, last):
    """The members in the order their turn comes after ``last`` (the one
    assigned last); from the first member when ``last`` is none of them."""
    members = list(dict.fromkeys(members))
    if last in members:
        start = members.index(last) + 1
        return members[start:] + members[:start]
    return members


def under_cap(user_id, open_counts, cap):
    """Whether ``user_id`` may take one more incident (``cap`` 0: no cap)."""
    return not cap or open_counts.get(user_id, 0) < cap


def choose(team, open_counts, last=None, responsible=None):
    """Who takes one new incident of ``team``: ``(user id, rule)``, the rule
    being ``RESPONSIBLE`` or the team's method; ``(None, None)`` when the
    team assigns by hand or nobody in can take it.

    The customer's care ``responsible`` comes first when the team says so,
    they are in and under the cap.  Round robin takes the next member in
    turn after ``last``; least busy the member with the fewest open
    incidents, ties going in turn after ``last``.  A member who is out or at
    the cap is passed over.
    """
    if team.method not in (ROUND_ROBIN, LEAST_BUSY):
        return None, None

    def can_take(user_id):
        return user_id in team.present and under_cap(user_id, open_counts, team.cap)

    if team.responsible_first and responsible and can_take(responsible):
        return responsible, RESPONSIBLE
    turn = [user_id for user_id in in_turn(team.members, last) if can_take(user_id)]
    if not turn:
        return None, None
    if team.method == LEAST_BUSY:
        # min() keeps the first of equals: ties go in turn
        return min(turn, key=lambda user_id: open_counts.get(user_id, 0)), LEAST_BUSY
    return turn[0], ROUND_ROBIN


def route(requests, teams, open_counts, last_assigned):
    """The choices for a batch of new incidents, in order.

    :param requests: ``[(team key, responsible user id or None)]``, one per
        incident, in the order they arrived
    :param teams: ``{team key: TeamRouting}``
    :param open_counts: ``{user id: open incidents}`` before the batch
    :param last_assigned: ``{team key: user id}`` of the team's last turn
    :return: ``(choices, last_assigned)``: ``[(user id, rule)]`` (``(None,
        None)`` for an incident nobody takes) and the teams' last turns
        after the batch.  Each choice counts as open work for the next
        ones; a care responsible's incident does not move the team's turn.
    """
    counts = dict(open_counts)
    last = dict(last_assigned)
    choices = []
    for team_key, responsible in requests:
        team = teams.get(team_key)
        if team is None:
            choices.append((None, None))
            continue
        user_id, rule = choose(team, counts, last.get(team_key), responsible)
        if user_id:
            counts[user_id] = counts.get(user_id, 0) + 1
            if rule != RESPONSIBLE:
                last[team_key] = user_id
        choices.append((user_id, rule))
    return choices, last


def is_working(intervals, moment):
    """Whether ``moment`` falls in one of the working ``(start, stop)``
    intervals (stop excluded)."""
    return any(start <= moment < stop for start, stop in intervals)
