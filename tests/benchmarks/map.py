"""The maps' data at 100, 1,000 and 10,000 open requests.

Fills one transaction of the benchmark database with open requests of a
category that publishes them, spread over the demo town (by SQL, like
scale.py), then measures calls of the public map's clusters and of the
board's map (as the administrator user: record rules apply) over what a
1366 x 768 screen shows at the zoom the maps open at and zoomed in, and over a
wide area at a low zoom.
Prints the query count and the median time of five calls at each size; the
transaction is rolled back. Figures, not verdicts: the test suite checks that
the query count is flat (test_request_map.py).

Usage: map.py --config odoo.conf --db bench_ours [--sizes 100 1000 10000]
"""

import argparse
import logging
import statistics
import sys
import time

from scale import insert

RUNS = 5
# the demo town's centre (the maps' default) and an area around it
CENTRE = (47.9030, 1.9100)
WIDE_BBOX = (1.5, 47.6, 2.3, 48.2)


def screen_bbox(zoom, width=1366, height=768):
    """The area a screen of that size shows around the centre at ``zoom``."""
    per_pixel = 360 / 256 / 2**zoom
    half_lon, half_lat = width / 2 * per_pixel, height / 2 * per_pixel * 0.67
    return (
        CENTRE[1] - half_lon,
        CENTRE[0] - half_lat,
        CENTRE[1] + half_lon,
        CENTRE[0] + half_lat,
    )


def fill(env, category, stage, target, current):
    """Add open requests up to ``target``, spread over about 4 x 3 km."""
    count = target - current
    if count <= 0:
        return
    values = {
        "name": f"'MAP-' || lpad(({current} + g)::text, 7, '0')",
        "title": "'Lampadaire éteint'",
        "description": "'<p>Signalé sur la carte.</p>'",
        "channel": "'web'",
        "category_id": str(category.id),
        "stage_id": str(stage.id),
        "is_closed": "false",
        "priority": "'0'",
        "requester_kind": "'citizen'",
        "company_id": str(env.company.id),
        "latitude": f"{CENTRE[0] - 0.015} + (g * 7919 % 3001) / 100000.0",
        "longitude": f"{CENTRE[1] - 0.03} + (g * 104729 % 6007) / 100000.0",
        "date_received": "now() AT TIME ZONE 'UTC'",
        "create_uid": "1",
        "write_uid": "1",
        "create_date": "now() AT TIME ZONE 'UTC'",
        "write_date": "now() AT TIME ZONE 'UTC'",
    }
    insert(env.cr, "citizen_request", values, f"FROM generate_series(1, {count}) g")
    env.cr.execute("ANALYZE citizen_request")


def measure(env, call):
    call()  # warm the caches
    times, queries = [], []
    for _run in range(RUNS):
        env.invalidate_all()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(env.cr.sql_log_count - before)
    return max(queries), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        ["-c", args.config, "-d", args.db, "--log-level=warn", "--max-cron-threads=0"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    cr = registry.cursor()
    try:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Request = env["citizen.request"]
        category = env["citizen.request.category"].create(
            {"name": "Éclairage (carte)", "code": "MAP-BENCH", "publish_requests": True}
        )
        stage = env.ref("citizen_relation.stage_new")
        staff = Request.with_user(env.ref("base.user_admin"))
        published = Request._get_published_domain(env.company)
        calls = {
            "public, screen, zoom 15": lambda: Request.sudo()._get_map_clusters(
                published, screen_bbox(15), 15, public=True
            ),
            "public, wide, zoom 9": lambda: Request.sudo()._get_map_clusters(
                published, WIDE_BBOX, 9, public=True
            ),
            "board, screen, zoom 15": lambda: staff.get_map_data(
                [], screen_bbox(15), 15
            ),
            "board, screen, zoom 18": lambda: staff.get_map_data(
                [], screen_bbox(18), 18
            ),
        }
        env.cr.execute("SELECT count(*) FROM citizen_request WHERE NOT is_closed")
        base = env.cr.fetchone()[0]
        filled = 0
        print(f"\nmap data on {args.db} (queries / median ms of {RUNS} calls)")
        print(f"{'open requests':>14}  " + "  ".join(f"{label:>24}" for label in calls))
        for size in sorted(args.sizes):
            fill(env, category, stage, size, filled)
            filled = max(filled, size)
            env.flush_all()
            figures = [measure(env, call) for call in calls.values()]
            print(
                f"{base + filled:>14,}  "
                + "  ".join(f"{q:>12} q {ms:>8.1f} ms" for q, ms in figures)
            )
    finally:
        cr.rollback()
        cr.close()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
