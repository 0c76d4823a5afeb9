"""The public petition form under load (issue #7 acceptance): bench/sipas_load.py reused with
CCHC_BENCH_FORM=petition — 50 petitions a second for 20 s through gunicorn from several clients,
each GETting the form (CSRF) then POSTing it; no server errors, every accepted petition stored
exactly once, p95 of the POST under 200 ms, a one-client burst answered 429 in Vietnamese.

Run: .venv/bin/python bench/petition_load.py [sqlite|postgres]
"""

import os
import sys

os.environ["CCHC_BENCH_FORM"] = "petition"

import sipas_load  # reads CCHC_BENCH_FORM when imported, hence after setting it

if __name__ == "__main__":
    sys.exit(
        sipas_load.run_on_databases(
            sys.argv[1:],
            bench=sipas_load.BENCH,
            script=__file__,
            pg_url=sipas_load.PG_URL,
            measure=sipas_load.measure,
        )
    )
