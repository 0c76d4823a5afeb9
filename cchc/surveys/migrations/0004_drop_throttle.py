"""The survey's rate-limit counters moved to core_throttle (core 0002), shared with the petition
form; the old table held only counters of the last minute, so nothing is carried over."""

from django.db import migrations

RECREATE = [
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


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_throttle"), ("core", "0002_throttle")]
    operations = [migrations.RunSQL(["DROP TABLE surveys_throttle"], RECREATE)]
