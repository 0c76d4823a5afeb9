"""Every app with models has its admin pages (decision 0026): each registered model's list opens
for a superuser, and the records that actions own are read-only there (no add, change or delete),
so the admin's generic forms cannot bypass the audit trail."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from cchc.accounts.models import User
from cchc.core.admin import ReadOnlyAdmin

# The apps that gained their admin.py with the anatomy pass; every model listed is read-only.
READ_ONLY = {
    "core": ["Notification"],
    "indices": [
        "Framework",
        "AssessmentRound",
        "Assessment",
        "Result",
        "ExternalIndex",
        "ExternalResult",
    ],
    "plans": [
        "ContentArea",
        "Plan",
        "Task",
        "ProgressReport",
        "ExtensionRequest",
        "MonthClose",
    ],
    "staffing": ["Headcount", "StaffingPolicy", "StaffingPeriod", "SuccessorShare"],
    "surveys": ["Questionnaire", "Campaign", "CampaignUnit", "Response"],
}
CASES = [(app, name) for app, names in READ_ONLY.items() for name in names]


@pytest.mark.parametrize(("app", "name"), CASES)
def test_the_model_is_registered_read_only(app: str, name: str) -> None:
    model = apps.get_model(app, name)
    model_admin = admin.site._registry.get(model)
    assert isinstance(model_admin, ReadOnlyAdmin), f"{app}.{name} is not registered read-only"


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "name"), CASES)
def test_the_list_opens_and_offers_no_add(app: str, name: str) -> None:
    user = User.objects.create_superuser("root", "root@example.com", "x-Secret-2026")
    client = Client()
    client.force_login(user)
    model = apps.get_model(app, name)
    url = reverse(f"admin:{app}_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200
    add = reverse(f"admin:{app}_{model._meta.model_name}_add")
    assert client.get(add).status_code == 403


def test_a_response_shows_no_contact_in_the_admin(rf: RequestFactory) -> None:
    """A survey response's contact is personal data: the admin form leaves it out."""
    from cchc.surveys.models import Response

    request = rf.get("/")
    request.user = User(is_superuser=True, is_active=True)
    form_fields = admin.site._registry[Response].get_fields(request)
    assert "campaign_unit" in form_fields
    assert "contact" not in form_fields
    assert "client_hash" not in form_fields
