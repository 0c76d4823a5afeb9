"""The agency points page shows the unit's "results of handling administrative procedures"
read from the service index (cchc.services.queries.handling_results)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cchc.services.tests.helpers import dossier, write_csv

W = "01-SNV"  # an agency: the Department of Home Affairs


@pytest.fixture
def dossiers(hanoi, tmp_path):
    rows = [
        dossier("A1", W, "2026-03-01", "2026-03-05", "2026-03-04"),
        dossier("A2", W, "2026-03-01", "2026-03-05", "2026-03-10"),
        dossier("A3", W, "2026-04-01", "2026-04-05", "2026-04-02"),
        dossier("A4", W, "2026-04-01", "2026-04-05", "2026-04-03"),
    ]
    call_command("import_dossiers", write_csv(tmp_path / "d.csv", rows), stdout=io.StringIO())


def test_the_agency_points_page_shows_the_handling_results(dossiers, hanoi, city_admin, client):
    client.force_login(city_admin)
    url = reverse("ratings:agency_points", args=[2026]) + f"?unit={W}"
    page = client.get(url).content.decode()
    assert 'data-testid="handling"' in page
    assert "75,00%" in page or "75.00%" in page
