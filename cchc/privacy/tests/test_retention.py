"""The retention job (docs/domain/personal-data.md "Retention and erasure"): it erases exactly
what is past its retention period and nothing else, leaves every count, result and public
journey the same, is audited, and runs by hand as `manage.py erase_expired`."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION
from cchc.dialogues.actions import announce_conference, submit_petition
from cchc.dialogues.models import Attachment, Petition
from cchc.dialogues.queries import journey
from cchc.privacy.jobs import erase_expired
from cchc.surveys.actions import record_response, review_response
from cchc.surveys.models import Answer, Response
from cchc.surveys.queries import unit_results
from cchc.surveys.tests.factories import answers, campaign_of

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 1, 12))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CCHC_RETENTION_DAYS = {"petition": 365, "survey_response": 365, "data_request": 365}


@pytest.fixture
def petitions(hanoi, officer_a) -> list[Petition]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    conference = announce_conference(
        actor=officer_a,
        title="Đối thoại",
        level="ward",
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        audiences=["citizens"],
        chair_name="Chủ tịch UBND phường",
        place="Hội trường UBND phường",
    )
    made = []
    for i in range(4):
        made.append(
            submit_petition(
                conference,
                title=f"Kiến nghị {i}",
                content=f"Nội dung {i}",
                submitter_type="citizen",
                submitter_name=f"Người {i}",
                contact=f"09000000{i}",
                consent_version=CONSENT_VERSION,
                files=[SimpleUploadedFile(f"f{i}.png", PNG, content_type="image/png")],
            )
        )
    # 0: closed 400 days before NOW (expired); 1: closed 366 days before (expired);
    # 2: closed 300 days before (kept); 3: still open (kept).
    for petition, days in zip(made[:3], (400, 366, 300), strict=True):
        Petition.objects.filter(pk=petition.pk).update(
            status=Petition.Status.CLOSED, closed_at=NOW - datetime.timedelta(days=days)
        )
    return made


def test_petitions_past_retention_lose_exactly_their_personal_data(petitions, settings) -> None:
    journeys = {p.pk: journey(Petition.objects.get(pk=p.pk), public=True) for p in petitions}
    counts = (Petition.objects.count(), Petition.objects.filter(status="closed").count())

    result = erase_expired(NOW)

    assert result["expired"]["petition"] == 2
    rows = {p.pk: Petition.objects.get(pk=p.pk) for p in petitions}
    for petition in petitions[:2]:
        row = rows[petition.pk]
        assert (row.submitter_name, row.contact, row.contact_consent_version) == ("", "", "")
        assert row.anonymised_at is not None
        assert not Attachment.objects.filter(petition=row).exists()
        # The petition itself, its content and its public journey are untouched.
        assert row.title == petition.title
        assert row.content == petition.content
        assert journey(row, public=True).status == journeys[petition.pk].status
    for petition in petitions[2:]:
        row = rows[petition.pk]
        assert row.contact == petition.contact
        assert row.submitter_name == petition.submitter_name
        assert row.anonymised_at is None
        assert Attachment.objects.filter(petition=row).count() == 1
    assert counts == (Petition.objects.count(), Petition.objects.filter(status="closed").count())
    event = AuditEvent.objects.get(verb="privacy.erase_expired")
    # One batch: the id range CCHC_RETENTION_BATCH wide from the first expired petition.
    end = petitions[0].pk + settings.CCHC_RETENTION_BATCH - 1
    assert event.details == {"kind": "petition", "erased": 2, "ids": [1, end]}


def test_a_second_run_erases_nothing_and_writes_nothing(petitions) -> None:
    erase_expired(NOW)
    assert erase_expired(NOW)["expired"] == {
        "petition": 0,
        "survey_response": 0,
        "data_request": 0,
    }
    assert AuditEvent.objects.filter(verb="privacy.erase_expired").count() == 1


def test_batches_are_committed_and_audited_one_by_one(petitions) -> None:
    result = erase_expired(NOW, batch=1)

    assert result["expired"]["petition"] == 2
    events = AuditEvent.objects.filter(verb="privacy.erase_expired").order_by("pk")
    first, second = sorted(p.pk for p in petitions[:2])
    assert [e.details for e in events] == [
        {"kind": "petition", "erased": 1, "ids": [1, first]},
        {"kind": "petition", "erased": 1, "ids": [first + 1, second]},
    ]


def test_a_run_cut_short_keeps_whole_batches_and_the_next_run_finishes(
    petitions, monkeypatch
) -> None:
    from cchc.privacy import jobs

    calls = {"n": 0}
    real = jobs.audit.record

    def fail_on_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the machine stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs.audit, "record", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        erase_expired(NOW, batch=1)
    first, second = sorted(p.pk for p in petitions[:2])
    # The first batch is erased and audited; the second rolled back whole (nothing half-written).
    assert Petition.objects.get(pk=first).anonymised_at is not None
    cut = Petition.objects.get(pk=second)
    assert cut.anonymised_at is None
    assert (cut.submitter_name, cut.contact) == (petitions[1].submitter_name, petitions[1].contact)
    kept = Attachment.objects.get(petition=cut)
    assert kept.file.storage.exists(kept.file.name)  # files go only once their batch commits
    assert AuditEvent.objects.filter(verb="privacy.erase_expired").count() == 1

    monkeypatch.setattr(jobs.audit, "record", real)
    assert erase_expired(NOW, batch=1)["expired"]["petition"] == 1
    assert Petition.objects.get(pk=second).anonymised_at is not None
    assert AuditEvent.objects.filter(verb="privacy.erase_expired").count() == 2


def _respond(unit, actor, contact: str, text: str, rating: int) -> Response:
    response = record_response(
        unit,
        answers(rating, D2=text),
        channel="web",
        contact=contact,
        consent_version=CONSENT_VERSION,
    )
    return review_response(response, actor=actor, decision="accepted")


def test_survey_responses_past_retention_keep_their_ratings_and_results(hanoi, city_admin) -> None:
    old = campaign_of(city_admin, [(hanoi.ward_a, 100), (hanoi.ward_b, 100)], year=2025)
    new = campaign_of(city_admin, [(hanoi.ward_a, 100)], year=2026)
    for unit, rating in (
        (old.units.get(unit=hanoi.ward_a), 5),
        (old.units.get(unit=hanoi.ward_b), 2),
    ):
        _respond(unit, city_admin, "an@example.vn", "Tôi là An, nhà số 5", rating)
    kept = _respond(new.units.get(), city_admin, "binh@example.vn", "Chị Bình góp ý", 4)
    before = [(r.campaign_unit.pk, r.accepted, r.overall) for r in unit_results(old)]

    result = erase_expired(NOW)  # old ended 30/06/2025 (> 365 days), new 30/06/2026

    assert result["expired"]["survey_response"] == 2
    assert [(r.campaign_unit.pk, r.accepted, r.overall) for r in unit_results(old)] == before
    erased = Response.objects.filter(campaign_unit__campaign=old)
    assert set(erased.values_list("contact", flat=True)) == {""}
    assert not Answer.objects.filter(response__in=erased).exclude(text="").exists()
    assert Answer.objects.filter(response__in=erased, rating__isnull=False).count() > 0
    kept.refresh_from_db()
    assert kept.contact == "binh@example.vn"
    assert Answer.objects.get(response=kept, question__code="D2").text == "Chị Bình góp ý"


def test_the_command_dry_run_lists_and_erases_nothing(petitions) -> None:
    out = io.StringIO()
    call_command("erase_expired", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    # The command runs at the real "now"; the fixture closed petitions relative to NOW.
    assert result["dry_run"] is True
    assert set(result["expired"]) == {"petition", "survey_response", "data_request"}
    assert result["expired"] == erase_expired(dry_run=True)["expired"]
    assert Petition.objects.filter(anonymised_at__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(verb="privacy.erase_expired").exists()


def test_the_command_erases_and_reports(petitions, settings) -> None:
    settings.CCHC_RETENTION_DAYS = {"petition": 0, "survey_response": 0, "data_request": 0}
    out = io.StringIO()
    call_command("erase_expired", "--json", stdout=out)
    assert json.loads(out.getvalue())["expired"]["petition"] == 3  # the three closed ones
    assert Petition.objects.filter(anonymised_at__isnull=True).count() == 1
