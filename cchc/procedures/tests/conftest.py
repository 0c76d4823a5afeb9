from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from cchc.procedures.models import Procedure
from cchc.procedures.tests.factories import procedure_of


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """Refusal texts are asserted in English (msgids); the browser tests keep Vietnamese."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def birth(hanoi: Any, city_admin: Any) -> Procedure:
    """Birth registration (1.000001, three working days), implemented by ward A."""
    return procedure_of(city_admin, hanoi.ward_a)
