from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """Refusal texts are asserted in English (msgids); the browser tests keep Vietnamese."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
