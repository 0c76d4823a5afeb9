"""The public form's rate-limit counters (cchc/surveys/throttle.py): one row per bucket and
one-minute window, incremented by a single upsert. A plain table without a model: nothing but
the throttle reads or writes it, and it holds no domain data (buckets are salted hashes and
campaign-unit ids); see the module docstring of throttle.py for why.
"""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE surveys_throttle (
        bucket varchar(80) NOT NULL,
        window_start bigint NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
    )
    """,
    "CREATE INDEX surveys_throttle_window ON surveys_throttle (window_start)",
]
DROP = ["DROP TABLE surveys_throttle"]


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_default_questionnaire")]
    operations = [migrations.RunSQL(CREATE, DROP)]
