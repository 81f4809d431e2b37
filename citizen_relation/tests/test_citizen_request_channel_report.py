import random
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import NOW, CitizenRequestCommon


class ChannelReportCommon(CitizenRequestCommon):
    def _request(self, channel, acknowledged=None, closed=None, stage=None, **vals):
        values = {
            "title": f"Demande {channel}",
            "channel": channel,
            "company_id": self.town.id,
            "category_id": self.category.id,
            "contact_name": "Usager",
        }
        values.update(vals)
        with freeze_time(NOW):
            request = self.Request.create(values)
        updates = {
            "date_received": datetime(2026, 3, 2, 8, 0),
            "date_deadline": date(2026, 3, 9),
            "date_acknowledged": acknowledged or False,
        }
        if stage:
            updates.update(
                stage_id=self.env.ref(f"citizen_relation.{stage}").id,
                date_closed=closed,
            )
        request.write(updates)
        return request

    def _rate(self, request, score):
        self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("citizen.request"),
                "res_id": request.id,
                "rating": score,
                "consumed": True,
            }
        )


@tagged("post_install", "-at_install")
class TestCitizenRequestChannelReport(ChannelReportCommon):
    def test_channel_figures(self):
        """Figures per channel match those computed by hand:

        web: 3 requests acknowledged after 2, 4 and 6 hours (median 4); two
        resolved after 48 h (on time) and 240 h (late): median 144 h, 50 % on
        time; rated 5 and 1: average 3.
        phone: 2 requests, one rejected (not resolved), one acknowledged after
        24 h and resolved after 72 h, on time.
        """
        self.town = self.env["res.company"].create({"name": "Commune de Test"})
        a = self._request(
            "web",
            acknowledged=datetime(2026, 3, 2, 10, 0),
            stage="stage_resolved",
            closed=datetime(2026, 3, 4, 8, 0),
            contact_email="a@example.org",
        )
        b = self._request(
            "web",
            acknowledged=datetime(2026, 3, 2, 12, 0),
            stage="stage_closed",
            closed=datetime(2026, 3, 12, 8, 0),
            contact_email="b@example.org",
        )
        c = self._request("web", acknowledged=datetime(2026, 3, 2, 14, 0))
        c.date_deadline = date(2000, 1, 3)  # late whatever today is
        self._request(
            "phone", stage="stage_rejected", closed=datetime(2026, 3, 3, 8, 0)
        )
        self._request(
            "phone",
            acknowledged=datetime(2026, 3, 3, 8, 0),
            stage="stage_resolved",
            closed=datetime(2026, 3, 5, 8, 0),
        )
        self._rate(a, 5)
        self._rate(b, 1)
        self.env.flush_all()

        Report = self.env["citizen.request.channel.report"]
        lines = Report.search([("company_id", "=", self.town.id)])
        self.assertEqual(sorted(lines.mapped("channel")), ["phone", "web"])
        web = lines.filtered(lambda line: line.channel == "web")
        phone = lines.filtered(lambda line: line.channel == "phone")

        self.assertEqual(web.request_count, 3)
        self.assertEqual(web.acknowledged_count, 3)
        self.assertAlmostEqual(web.median_ack_hours, 4.0)
        self.assertEqual(web.resolved_count, 2)
        self.assertAlmostEqual(web.median_resolve_hours, 144.0)
        self.assertAlmostEqual(web.on_time_rate, 50.0)
        self.assertAlmostEqual(web.avg_rating, 3.0)
        self.assertEqual(web.late_count, 1)

        self.assertEqual(phone.request_count, 2)
        self.assertEqual(phone.acknowledged_count, 1)
        self.assertAlmostEqual(phone.median_ack_hours, 24.0)
        self.assertEqual(phone.resolved_count, 1)
        self.assertAlmostEqual(phone.median_resolve_hours, 72.0)
        self.assertAlmostEqual(phone.on_time_rate, 100.0)
        self.assertFalse(phone.avg_rating)
        self.assertEqual(phone.late_count, 0)

    def test_agent_reads_report(self):
        lines = (
            self.env["citizen.request.channel.report"]
            .with_user(self.user_agent)
            .search([])
        )
        self.assertTrue(all(line.request_count > 0 for line in lines))

    def test_figures_per_year(self):
        """Each year has its own lines: a request received in 2025 counts, is
        timed and rated in 2025 only, and reading 2026 leaves it out."""
        self.town = self.env["res.company"].create({"name": "Commune de Test"})
        old = self._request(
            "web",
            acknowledged=datetime(2025, 6, 2, 18, 0),
            stage="stage_resolved",
            closed=datetime(2025, 6, 3, 8, 0),
            contact_email="old@example.org",
        )
        old.date_received = datetime(2025, 6, 2, 8, 0)
        recent = self._request(
            "web",
            acknowledged=datetime(2026, 3, 2, 10, 0),
            stage="stage_resolved",
            closed=datetime(2026, 3, 4, 8, 0),
            contact_email="new@example.org",
        )
        self._rate(old, 1)
        self._rate(recent, 5)
        self.env.flush_all()

        Report = self.env["citizen.request.channel.report"]
        town = [("company_id", "=", self.town.id)]
        lines = Report.search(town)
        self.assertEqual(lines.mapped("year"), [2026, 2025])
        line_2026 = Report.search([*town, ("year", "=", 2026)])
        self.assertEqual(len(line_2026), 1)
        self.assertEqual(line_2026.request_count, 1)
        self.assertAlmostEqual(line_2026.median_ack_hours, 2.0)
        self.assertAlmostEqual(line_2026.median_resolve_hours, 48.0)
        self.assertAlmostEqual(line_2026.avg_rating, 5.0)
        line_2025 = Report.search([*town, ("year", "=", 2025)])
        self.assertEqual(line_2025.request_count, 1)
        self.assertAlmostEqual(line_2025.median_ack_hours, 10.0)
        self.assertAlmostEqual(line_2025.median_resolve_hours, 24.0)
        self.assertAlmostEqual(line_2025.avg_rating, 1.0)
        # a line is read again by its id (a form, a reload) with its figures
        self.assertEqual(Report.browse(line_2025.id).request_count, 1)


# The exact figures, read from the requests themselves (the report's former
# query): what the running totals must give.
DIRECT = """
    WITH q AS (
        SELECT r.id, r.channel, r.company_id,
               (date_part('year', r.date_received))::integer AS year,
               r.date_received, r.date_acknowledged, r.date_closed,
               r.date_deadline, r.is_closed,
               COALESCE(s.is_rejected, FALSE) AS is_rejected
          FROM citizen_request r
     LEFT JOIN citizen_request_stage s ON s.id = r.stage_id
         WHERE r.company_id = %(company)s
    )
    SELECT q.year, q.channel, COUNT(*), COUNT(q.date_acknowledged),
           COUNT(*) FILTER (WHERE q.is_closed AND NOT q.is_rejected),
           COUNT(*) FILTER (
               WHERE NOT q.is_closed AND q.date_deadline < CURRENT_DATE),
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(
               EPOCH FROM q.date_acknowledged - q.date_received) / 3600.0),
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY CASE
               WHEN q.is_closed AND NOT q.is_rejected
               THEN EXTRACT(EPOCH FROM q.date_closed - q.date_received) / 3600.0
               END),
           100.0 * COUNT(*) FILTER (
               WHERE q.is_closed AND NOT q.is_rejected
                 AND q.date_deadline IS NOT NULL
                 AND q.date_closed::date <= q.date_deadline
           ) / NULLIF(COUNT(*) FILTER (
               WHERE q.is_closed AND NOT q.is_rejected
                 AND q.date_deadline IS NOT NULL), 0)::float,
           (SELECT AVG(rr.rating) FROM rating_rating rr
              JOIN citizen_request req ON req.id = rr.res_id
             WHERE rr.res_model = 'citizen.request' AND rr.consumed
               AND rr.rating > 0 AND req.company_id = %(company)s
               AND req.channel = q.channel
               AND date_part('year', req.date_received) = q.year)
      FROM q
  GROUP BY q.year, q.channel
"""
FIGURES = (
    "request_count",
    "acknowledged_count",
    "resolved_count",
    "late_count",
    "median_ack_hours",
    "median_resolve_hours",
    "on_time_rate",
    "avg_rating",
)
# the medians are read from buckets 2^(1/32) wide (see the report's help)
MEDIAN_ERROR = 2 ** (1 / 32) - 1


@tagged("post_install", "-at_install")
class TestChannelReportTotals(ChannelReportCommon):
    """The report is read from running totals kept as requests change: the
    figures are those of the requests after every kind of change."""

    def setUp(self):
        super().setUp()
        self.town = self.env["res.company"].create({"name": "Commune des Totaux"})
        self.Report = self.env["citizen.request.channel.report"]

    def _stage(self, xmlid):
        return self.env.ref(f"citizen_relation.{xmlid}")

    def _direct(self):
        self.env.flush_all()
        self.env.cr.execute(DIRECT, {"company": self.town.id})
        return {
            (row[0], row[1]): dict(zip(FIGURES, row[2:], strict=True))
            for row in self.env.cr.fetchall()
        }

    def _read(self):
        self.env.flush_all()
        self.Report.invalidate_model()
        lines = self.Report.search([("company_id", "=", self.town.id)])
        return {
            (line.year, line.channel): {name: line[name] for name in FIGURES}
            for line in lines
        }

    def assertMatchesRequests(self):
        """The report's lines are those computed from the requests: the same
        counts, rates and ratings, and medians within the buckets' width."""
        expected, read = self._direct(), self._read()
        self.assertEqual(sorted(read), sorted(expected))
        for key, exact in expected.items():
            line = read[key]
            for name in ("request_count", "acknowledged_count", "resolved_count"):
                self.assertEqual(line[name], exact[name], f"{key} {name}")
            self.assertEqual(line["late_count"], exact["late_count"], key)
            for name in ("on_time_rate", "avg_rating"):
                self.assertAlmostEqual(line[name], exact[name] or 0.0, msg=key)
            for name in ("median_ack_hours", "median_resolve_hours"):
                if exact[name] is None:
                    self.assertFalse(line[name], f"{key} {name}")
                    continue
                self.assertLessEqual(
                    abs(line[name] - exact[name]),
                    max(abs(exact[name]) * MEDIAN_ERROR, 1 / 60) + 1e-9,
                    f"{key} {name}: {line[name]} for {exact[name]}",
                )
        return read

    def test_totals_follow_each_change(self):
        request = self._request("web", acknowledged=None)
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual(line["request_count"], 1)
        self.assertEqual(line["acknowledged_count"], 0)
        self.assertFalse(line["median_ack_hours"])

        request.date_acknowledged = datetime(2026, 3, 2, 9, 30)
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual(line["acknowledged_count"], 1)
        self.assertAlmostEqual(line["median_ack_hours"], 1.5)

        # closed: resolved after 50 hours, on time
        request.write(
            {
                "stage_id": self._stage("stage_resolved").id,
                "date_closed": datetime(2026, 3, 4, 10, 0),
            }
        )
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual(line["resolved_count"], 1)
        self.assertAlmostEqual(line["median_resolve_hours"], 50.0)
        self.assertAlmostEqual(line["on_time_rate"], 100.0)
        self._rate(request, 4)
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertAlmostEqual(line["avg_rating"], 4.0)

        # reopened, its deadline past: open and late, no longer resolved
        request.action_reopen()
        request.date_deadline = date(2000, 1, 3)
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual(line["resolved_count"], 0)
        self.assertEqual(line["late_count"], 1)
        self.assertFalse(line["median_resolve_hours"])
        self.assertAlmostEqual(line["avg_rating"], 4.0)

        # rejected: neither late nor resolved
        request.action_reject()
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual((line["late_count"], line["resolved_count"]), (0, 0))
        # a stage that stops being a rejection: the request counts as resolved
        self._stage("stage_rejected").is_rejected = False
        line = self.assertMatchesRequests()[(2026, "web")]
        self.assertEqual(line["resolved_count"], 1)
        self._stage("stage_rejected").is_rejected = True

        # moved to another channel and year, with its rating
        request.write({"channel": "phone", "date_received": datetime(2025, 12, 30)})
        read = self.assertMatchesRequests()
        self.assertEqual(list(read), [(2025, "phone")])
        self.assertAlmostEqual(read[(2025, "phone")]["avg_rating"], 4.0)

        request.unlink()
        self.assertEqual(self.assertMatchesRequests(), {})

    def test_random_requests_match_direct_computation(self):
        """Random requests, changed and deleted at random: the report matches
        the figures computed from the requests, after the daily compaction
        and after counting everything again."""
        rng = random.Random(18)
        stages = ["stage_new", "stage_in_progress", "stage_resolved"]
        stages += ["stage_closed", "stage_rejected"]
        requests = self.Request
        for index in range(60):
            received = datetime(2025, 1, 1) + timedelta(
                minutes=rng.randrange(2 * 365 * 24 * 60)
            )
            stage = self._stage(rng.choice(stages))
            with freeze_time(NOW):
                request = self.Request.create(
                    {
                        "title": f"Demande {index}",
                        "channel": rng.choice(["web", "phone", "email"]),
                        "company_id": self.town.id,
                        "category_id": self.category.id,
                        "contact_name": "Usager",
                    }
                )
            deadline = received + timedelta(days=rng.randrange(40))
            request.write(
                {
                    "date_received": received,
                    "date_deadline": deadline.date(),
                    "date_acknowledged": rng.random() < 0.8
                    and received + timedelta(seconds=rng.randrange(30, 200000)),
                    "stage_id": stage.id,
                    "date_closed": stage.is_closed
                    and received + timedelta(seconds=rng.randrange(60, 3000000)),
                }
            )
            if stage.is_closed and rng.random() < 0.5:
                self._rate(request, rng.choice([1, 3, 5]))
            requests |= request
        self.assertMatchesRequests()
        for request in rng.sample(list(requests), 15):
            if rng.random() < 0.5:
                request.action_reopen()
            else:
                request.write(
                    {"channel": "counter", "date_acknowledged": datetime(2026, 3, 3)}
                )
        self.Request.browse([r.id for r in rng.sample(list(requests), 10)]).unlink()
        read = self.assertMatchesRequests()
        self.Report._compact_aggregates()
        self.assertEqual(self._read(), read)
        self.Report._rebuild_aggregates()
        self.assertEqual(self._read(), read)


@tagged("post_install", "-at_install")
class TestChannelReportCompanies(HttpCase):
    """Two towns in one database: the figures of one town are not the
    business of the other's agents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Company = cls.env["res.company"]
        cls.town_a = Company.create({"name": "Commune A"})
        cls.town_b = Company.create({"name": "Commune B"})
        cls.agent_a = new_test_user(
            cls.env,
            login="agent_report_a",
            groups="citizen_relation.group_citizen_agent",
            company_id=cls.town_a.id,
            company_ids=[cls.town_a.id],
        )
        category = cls.env["citizen.request.category"].create(
            {"name": "Rapport", "code": "T-RAPPORT", "delay_days": 5}
        )
        Request = cls.env["citizen.request"]
        with freeze_time(NOW):
            Request.with_company(cls.town_a).create(
                {
                    "title": "Demande A",
                    "channel": "web",
                    "category_id": category.id,
                    "company_id": cls.town_a.id,
                    "contact_name": "Usager A",
                }
            )
            Request.with_company(cls.town_b).create(
                [
                    {
                        "title": f"Demande B {index}",
                        "channel": "phone",
                        "category_id": category.id,
                        "company_id": cls.town_b.id,
                        "contact_name": f"Usager B {index}",
                    }
                    for index in range(3)
                ]
            )
        cls.env.flush_all()

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/citizen.request.channel.report/{method}",
            {
                "model": "citizen.request.channel.report",
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        )

    def test_agent_reads_the_figures_of_their_town_only(self):
        """Regression: the channel report had no company rule; an agent of
        town A read, in the list, pivot and graph views, the volumes and
        delays of town B."""
        self.authenticate("agent_report_a", "agent_report_a")
        spec = {"company_id": {"fields": {"display_name": {}}}, "request_count": {}}
        lines = self._call("web_search_read", [], spec)["records"]
        companies = {line["company_id"]["id"] for line in lines}
        self.assertIn(self.town_a.id, companies)
        self.assertNotIn(self.town_b.id, companies)
        groups = self._call(
            "web_read_group", [], ["request_count:sum"], ["company_id"], lazy=False
        )["groups"]
        self.assertEqual({group["company_id"][0] for group in groups}, {self.town_a.id})
        # a line of town B asked for by its id is refused
        line_b = self.env["citizen.request.channel.report"].search(
            [("company_id", "=", self.town_b.id)]
        )
        self.assertEqual(line_b.request_count, 3)
        with self.assertRaises(JsonRpcException) as refused:
            self._call("web_read", line_b.ids, {"request_count": {}})
        self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
