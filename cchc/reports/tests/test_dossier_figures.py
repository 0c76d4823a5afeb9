"""The annex's dossier rows (TTHC.06–08) read the Decision 766 data of cchc.services for the
window: received, received online, completed at or before their due time."""

import datetime
from io import StringIO

from django.core.management import call_command

from cchc.reports.models import Indicator, Window
from cchc.reports.queries import figures
from cchc.services.tests.helpers import dossier, write_csv
from conftest import Hanoi

W = "00004"  # Phường Ba Đình
OCTOBER = Window(
    datetime.date(2024, 10, 1),
    datetime.date(2024, 10, 31),
    datetime.date(2024, 12, 20),  # the due days do not enter the figures
    datetime.date(2024, 12, 16),
)
SOURCES = {"dossiers_received", "dossiers_online", "dossiers_on_time"}


def test_the_annex_counts_the_windows_dossiers(hanoi: Hanoi, tmp_path) -> None:
    rows = [
        dossier(
            "D1", W, "2024-10-02 08:00", "2024-10-10", "2024-10-09 10:00", kenh_nop="truc_tuyen"
        ),
        dossier("D2", W, "2024-10-05", "2024-10-15", "2024-10-20 09:00"),  # late
        dossier("D3", W, "2024-10-25 14:00", "2024-11-05", kenh_nop="truc_tuyen"),  # open
        dossier("D5", W, "2024-09-20", "2024-10-03", "2024-10-02 16:00"),  # received before
        dossier("D6", W, "2024-09-10", "2024-09-25", "2024-09-20"),  # outside the window
    ]
    call_command("import_dossiers", write_csv(tmp_path / "d.csv", rows), stdout=StringIO())

    city = figures(OCTOBER, None, SOURCES)[None]
    assert city == {"dossiers_received": 3, "dossiers_online": 2, "dossiers_on_time": 2}
    ward = figures(OCTOBER, [hanoi.ward_a.pk, hanoi.ward_b.pk], SOURCES)
    assert ward[hanoi.ward_a.pk] == city
    assert ward[hanoi.ward_b.pk]["dossiers_received"] == 0
    assert (
        set(
            Indicator.objects.filter(code__in=["TTHC.06", "TTHC.07", "TTHC.08"]).values_list(
                "source", flat=True
            )
        )
        == SOURCES
    )
