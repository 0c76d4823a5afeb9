"""Fixtures of the inspections tests: English messages, photos in a temporary media folder, and
the issued city plan that receives the remediation tasks."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from cchc.plans.models import Plan
from cchc.plans.tests.factories import issued_city_plan


@pytest.fixture(autouse=True)
def _english(settings: Any, tmp_path: Any) -> Iterator[None]:
    """Refusals are asserted by their English msgids; uploads go to a temporary folder."""
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def city_plan(hanoi: Any, city_admin: Any) -> Plan:
    return issued_city_plan(hanoi.city, city_admin)
