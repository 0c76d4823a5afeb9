"""The service index read by the reform index: a criterion computed from dossier data gets the
on-time share of the unit's dossiers handled in the framework's year × its maximum."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from cchc.indices.actions import Node, create_framework, publish_framework
from cchc.indices.models import Criterion
from cchc.indices.queries import computed_scores
from cchc.services.tests.helpers import dossier, write_csv

W = "00004"


@pytest.fixture
def dossiers(hanoi, tmp_path):
    rows = [
        dossier("A1", W, "2024-03-01", "2024-03-05", "2024-03-04"),
        dossier("A2", W, "2024-03-01", "2024-03-05", "2024-03-10"),
        dossier("A3", W, "2024-04-01", "2024-04-05", "2024-04-02"),
        dossier("A4", W, "2024-04-01", "2024-04-05", "2024-04-03"),
    ]
    call_command("import_dossiers", write_csv(tmp_path / "d.csv", rows), stdout=io.StringIO())


def test_a_criterion_read_from_the_service_index(dossiers, hanoi, city_admin, settings):
    settings.LANGUAGE_CODE = "en"
    nodes = [
        Node("1", "Cải cách thủ tục hành chính", Decimal(10)),
        Node(
            "1.1", "Hồ sơ giải quyết đúng hạn", Decimal(10), "1", method=Criterion.Method.SERVICES
        ),
    ]
    framework = create_framework(
        actor=city_admin,
        year=2024,
        group="wards",
        title="2024",
        nodes=nodes,
        appraisal_max=Decimal(10),
        survey_max=Decimal(0),
    )
    framework = publish_framework(framework, actor=city_admin)
    leaf = framework.criteria.get(code="1.1")
    with translation.override("en"):
        scores = computed_scores(
            framework, [hanoi.ward_a.pk, hanoi.ward_b.pk], datetime.date(2024, 12, 31)
        )
    points, text = scores[hanoi.ward_a.pk][leaf.pk]
    # March: 1 of 2 on time; April: 2 of 2 → 3 of 4 over the year (summed counts) × 10
    assert points == Decimal("7.50")
    assert text.startswith("3/4 dossiers handled on time = 75%")
    assert scores[hanoi.ward_b.pk][leaf.pk][0] == Decimal(10)  # no dossier: the maximum
