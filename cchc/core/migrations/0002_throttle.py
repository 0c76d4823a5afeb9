"""The public forms' rate-limit counters (cchc/core/throttle.py): one row per bucket and
one-minute window, incremented by a single upsert. A plain table without a model: nothing but
the throttle reads or writes it, and it holds no domain data (bucket names carry salted hashes
and record ids); see the module docstring of throttle.py for why. It replaces the survey's own
surveys_throttle (dropped by surveys 0004) now that the petition form uses it too.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE core_throttle (
        bucket varchar(100) NOT NULL,
        window_start bigint NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
    )
    """,
    "CREATE INDEX core_throttle_window ON core_throttle (window_start)",
]
DROP = ["DROP TABLE core_throttle"]


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
