"""With Time Off (``hr_holidays``, which customer_care does not depend on)
installed, a team member on validated time off is not in: new incidents
go to the others (issue #26)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from ..test_routing import MONDAY_9, RoutingCommon


@tagged("post_install", "-at_install")
class TestRoutingTimeOff(RoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leave_type = cls.env["hr.leave.type"].create(
            {
                "name": "Paid leave",
                "requires_allocation": False,
                "leave_validation_type": "no_validation",
            }
        )
        cls.employees = cls.env["hr.employee"].create(
            [
                {"name": "Anh Route", "user_id": cls.anh.id},
                {"name": "Binh Route", "user_id": cls.binh.id},
            ]
        )

    def _leave(self, employee, day, **vals):
        return self.env["hr.leave"].create(
            {
                "name": "Holiday",
                "employee_id": employee.id,
                "holiday_status_id": self.leave_type.id,
                "request_date_from": day,
                "request_date_to": day,
                **vals,
            }
        )

    def test_a_member_on_validated_time_off_is_passed_over(self):
        leave = self._leave(self.employees[0], date(2026, 3, 2))
        self.assertEqual(leave.state, "validate")
        self.assertTrue(leave.date_from <= MONDAY_9 < leave.date_to)
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual([incident.user_id for incident in incidents], [self.binh, self.binh])

    def test_time_off_not_validated_or_on_another_day_does_not_count(self):
        self._leave(self.employees[0], date(2026, 3, 3))
        refused = self._leave(self.employees[1], date(2026, 3, 2))
        refused.sudo().write({"state": "refuse"})
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual([incident.user_id for incident in incidents], [self.anh, self.binh])

    def test_everyone_on_time_off_leaves_it_unassigned_until_the_time_off_ends(self):
        for employee in self.employees:
            leave = self._leave(employee, date(2026, 3, 2))
        # the day off in the employees' time zone (Ho Chi Minh City): 01:00-10:00 UTC
        self.assertEqual(leave.date_to, datetime(2026, 3, 2, 10, 0))
        with freeze_time(MONDAY_9):
            incident = self._intake(1)
        self.assertFalse(incident.user_id)
        self.assertTrue(self._notes(incident)[0].startswith("<p>Not assigned"))
        with freeze_time(datetime(2026, 3, 2, 10, 0)):
            self.assertEqual(self._intake(1).user_id, self.anh)
