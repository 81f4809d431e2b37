#!/usr/bin/env python3
"""The acknowledgement's wait, for ``make bench``.

Runs the load test's paced run (``tests/load/load_test.py --rate``) on a
database of its own (``make bench`` gives it a new one, ``bench_ack``, with
the three addons and no request waiting: the requests the other measures
create in bulk are never acknowledged, and the job acknowledges the oldest
first). One Odoo server with 2 workers and 2 cron
workers, requests by email, form and Open311 in turn at 10 per second for 20
seconds, the emails handed to a local SMTP sink. Prints the counts and the
p50, p95 and max of the wait from the request's recording to its
acknowledgement's arrival at the sink; exits non-zero when the p95 is 5 s or
more, or when a request was lost or acknowledged twice.

Usage: ack_latency.py --db bench_ack [--rate 10] [--duration 20]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

import load_test  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--rate", default="10")
    parser.add_argument("--duration", default="20")
    args = parser.parse_args()
    return load_test.main(
        [
            "--db",
            args.db,
            "--rate",
            args.rate,
            "--duration",
            args.duration,
            "--workers",
            "2",
            # the mail queue sends while the acknowledgement job writes
            "--cron-threads",
            "2",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
