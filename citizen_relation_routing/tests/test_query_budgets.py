"""Query budget of the manager's mixed board (the workload plan), at 100 and
at 1,000 work orders.

The operation is the one ``tests/benchmarks/bench.py`` measures under the key
named beside the budget; how the two counts agree is told in
``citizen_relation/tests/query_budget.py``.
"""

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from odoo.addons.citizen_relation.tests.common import NOW
from odoo.addons.citizen_relation.tests.query_budget import (
    QueryBudgetMixin,
    clone_rows,
    view_specification,
)

BOARD = "citizen_relation_routing.maintenance_request_view_kanban_workload"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMixedBoardBudget(QueryBudgetMixin, TransactionCase):
    """The first page (80 cards) of the workload plan, read as the web client
    reads it (``web_search_read`` with the board's fields), by the manager,
    with 100 routine work orders, then 1,000 (``bench.py`` grows them to
    10,000). The board is the test's maintenance team (``bench.py`` reads
    every work order of its database, which has no other)."""

    # bench.py keys "mixed_board@small" and "mixed_board@large": 8 in make
    # bench and here at both sizes; no growth between them
    BUDGET = 8

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.build_budget_town()
        cls.maintenance_team = cls.env["maintenance.team"].create(
            {"name": "Régie budget"}
        )
        cls.work_orders = cls.env["maintenance.request"].create(
            [
                {
                    "name": f"Tonte du parc {i}",
                    "maintenance_team_id": cls.maintenance_team.id,
                }
                for i in range(100)
            ]
        )

    def first_page(self):
        WorkOrder = self.env["maintenance.request"].with_user(self.user_manager)
        spec = view_specification(WorkOrder.env, "maintenance.request", "kanban", BOARD)

        def read():
            result = WorkOrder.web_search_read(
                [("maintenance_team_id", "=", self.maintenance_team.id)],
                spec,
                offset=0,
                limit=80,
                count_limit=10001,
            )
            self.assertEqual(len(result["records"]), 80)

        return read

    def test_board_costs_the_same_at_1000_work_orders(self):
        small = self.assertQueryBudget(
            "mixed_board@small", self.BUDGET, self.first_page()
        )
        # 900 more, SQL copies of the first 100 (as bench.py grows the board)
        clone_rows(self.env.cr, "maintenance_request", self.work_orders.ids, 9)
        self.env.invalidate_all()
        self.assertEqual(
            self.env["maintenance.request"].search_count(
                [("maintenance_team_id", "=", self.maintenance_team.id)]
            ),
            1000,
        )
        large = self.assertQueryBudget(
            "mixed_board@large", self.BUDGET, self.first_page()
        )
        self.assertEqual(
            large, small, f"100 work orders: {small} queries, 1,000: {large}"
        )
