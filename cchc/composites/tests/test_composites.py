"""Composite index pages and actions: import (all or nothing), pipeline edits, runs computed by
the background job, results, rank intervals, XLSX export, and who may do what."""

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.composite import pipeline as pipelines
from cchc.composites.actions import start_run, update_pipeline
from cchc.composites.forms import RunForm, describe
from cchc.composites.imports import import_composite_index
from cchc.composites.models import CompositeIndex, CompositeRun
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries

ASEM = Path(__file__).resolve().parents[3] / "tests" / "data" / "asem"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (ASEM / name).read_bytes())


def asem_xlsx(name: str) -> SimpleUploadedFile:
    """The ASEM CSV as a workbook, as an administrator would save it from Excel."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in csv.reader((ASEM / name).read_text().splitlines()):
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name.replace(".csv", ".xlsx"), buffer.getvalue())


def _cell(value: str) -> object:
    try:
        return float(value)
    except ValueError:
        return value or None


@pytest.fixture
def asem(city_admin):
    result = import_composite_index(
        actor=city_admin,
        name="ASEM",
        meta_upload=upload("ASEM_iMeta.csv"),
        data_upload=upload("ASEM_iData.csv"),
    )
    assert result.ok
    return result.created[0]


def test_import_creates_the_index_with_an_audit_event(asem, city_admin):
    assert asem.pipeline == pipelines.COINR_EXAMPLE
    assert len(asem.data) == 51
    assert len(asem.meta) == 68
    event = AuditEvent.objects.get(verb="composites.import")
    assert event.actor == city_admin
    assert event.details["indicators"] == 49
    assert event.details["units"] == 51


def test_import_from_xlsx(city_admin):
    result = import_composite_index(
        actor=city_admin,
        name="ASEM xlsx",
        meta_upload=asem_xlsx("ASEM_iMeta.csv"),
        data_upload=asem_xlsx("ASEM_iData.csv"),
    )
    assert result.ok, result.errors
    assert result.created[0].data[0]["uCode"] == "AUT"


def test_import_refuses_bad_rows_and_writes_nothing(city_admin):
    data = (ASEM / "ASEM_iData.csv").read_text().replace(",4.097985,", ",abc,", 1)
    result = import_composite_index(
        actor=city_admin,
        name="bad",
        meta_upload=upload("ASEM_iMeta.csv"),
        data_upload=upload("d.csv", data.encode()),
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "iData")]
    assert "LPI is not a number ('abc')" in result.errors[0].message
    meta = (ASEM / "ASEM_iMeta.csv").read_text().replace("1.0,Ship,", "one,Ship,")
    result = import_composite_index(
        actor=city_admin,
        name="bad",
        meta_upload=upload("m.csv", meta.encode()),
        data_upload=upload("ASEM_iData.csv"),
    )
    assert [(e.row, e.column) for e in result.errors] == [(4, "iMeta")]
    assert not CompositeIndex.objects.exists()
    assert not AuditEvent.objects.filter(verb="composites.import").exists()
    with pytest.raises(ValidationError, match="CSV"):
        import_composite_index(
            actor=city_admin,
            name="x",
            meta_upload=upload("m.txt", b"x"),
            data_upload=upload("ASEM_iData.csv"),
        )


def test_only_city_administrators_import(officer_a):
    with pytest.raises(ValidationError):
        import_composite_index(
            actor=officer_a,
            name="x",
            meta_upload=upload("ASEM_iMeta.csv"),
            data_upload=upload("ASEM_iData.csv"),
        )


def test_update_pipeline_checks_the_document_and_the_version(asem, city_admin):
    doc = json.loads(pipelines.dumps(asem.pipeline))
    doc["steps"][-1]["method"] = "geometric"
    doc["steps"][-2]["lower"] = 1
    updated = update_pipeline(asem, actor=city_admin, text=json.dumps(doc), version=1)
    assert updated.version == 2
    assert updated.pipeline["steps"][-1]["method"] == "geometric"
    assert AuditEvent.objects.filter(verb="composites.update_pipeline").count() == 1
    with pytest.raises(ValidationError, match="tải lại trang"):
        update_pipeline(asem, actor=city_admin, text=json.dumps(doc), version=1)
    doc["steps"][-2]["lower"] = 0  # geometric mean of zeros: refused before it is saved
    with pytest.raises(ValidationError, match="positive"):
        update_pipeline(asem, actor=city_admin, text=json.dumps(doc), version=2)
    with pytest.raises(ValidationError, match="JSON"):
        update_pipeline(asem, actor=city_admin, text="{", version=2)
    asem.refresh_from_db()
    assert asem.version == 2


def test_run_is_computed_by_the_job_with_rank_intervals(
    asem, city_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(asem, actor=city_admin, replications=40, seed=3, weight_noise=0.25)
    run.refresh_from_db()
    assert run.status == CompositeRun.Status.DONE
    assert run.progress == 100
    che = run.result["units"][0]
    assert che["code"] == "CHE"
    assert che["scores"]["Index"] == pytest.approx(68.38, abs=0.005)
    assert che["ranks"]["Conn"] == 3  # behind BEL and LUX on connectivity
    assert che["rank_interval"]["q05"] <= 1 <= che["rank_interval"]["q95"]
    assert len(che["strengths"]) == 5
    assert run.assumptions == [
        {"name": "weights", "type": "noisy_weights", "levels": {"2": 0.25, "3": 0.25}}
    ]
    assert AuditEvent.objects.get(verb="composites.run").details["replications"] == 40
    with pytest.raises(ValidationError, match="Số lần lặp"):
        start_run(asem, actor=city_admin, replications=1, seed=3)


def test_failed_run_keeps_the_error(asem, city_admin, django_capture_on_commit_callbacks):
    CompositeIndex.objects.filter(pk=asem.pk).update(
        pipeline={**asem.pipeline, "steps": [{"step": "aggregate", "method": "geometric"}]}
    )
    asem.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(asem, actor=city_admin, replications=0, seed=1)
    run.refresh_from_db()
    assert run.status == CompositeRun.Status.FAILED
    assert "positive" in run.error


def test_run_over_alternative_steps_records_them_and_refuses_one_that_cannot_run(
    asem, city_admin, django_capture_on_commit_callbacks
):
    """Noisy weights at level 2 only, and the pipeline's own normalisation, imputation and
    treatment against alternatives: each replication picks one of each."""
    form = RunForm(
        {
            "replications": 30,
            "seed": 5,
            "weight_noise": 10,
            "noise_levels": ["2"],
            "normalisations": ["zscore", "rank"],
            "imputations": ["mean"],
            "treatments": ["none", "strict"],
        },
        max_level=4,
    )
    assert form.is_valid(), form.errors
    assumptions = form.assumptions(asem.pipeline)
    assert [a["name"] for a in assumptions] == [
        "weights",
        "normalisation",
        "imputation",
        "treatment",
    ]
    assert assumptions[0]["levels"] == {"2": 0.1}
    assert assumptions[1]["options"] == [
        {},
        {"method": "zscore", "mean": 0, "sd": 1},
        {"method": "rank"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = start_run(asem, actor=city_admin, replications=30, seed=5, assumptions=assumptions)
    run.refresh_from_db()
    assert run.status == CompositeRun.Status.DONE
    assert run.assumptions == assumptions
    intervals = [u["rank_interval"] for u in run.result["units"]]
    assert all(i["q05"] <= i["median"] <= i["q95"] for i in intervals)
    assert describe(run.assumptions) == [
        "Trọng số cấp 2 thay đổi tối đa ±10%",
        "Thử thêm cách chuẩn hóa: cách của quy trình, "
        "Điểm chuẩn z (trung bình 0, độ lệch chuẩn 1), Thứ hạng",
        "Thử thêm cách gán giá trị thiếu: cách của quy trình, Trung bình của chỉ tiêu",
        "Thử thêm cách xử lý giá trị ngoại lai: cách của quy trình, "
        "Không xử lý giá trị ngoại lai, Chặt hơn: |độ lệch| > 1,5 và độ nhọn > 3",
    ]
    # The same seed gives the same intervals.
    with django_capture_on_commit_callbacks(execute=True):
        again = start_run(asem, actor=city_admin, replications=30, seed=5, assumptions=assumptions)
    again.refresh_from_db()
    assert again.result["units"] == run.result["units"]
    # A geometric mean over the min–max 0–100 scores (zeros) cannot run: refused, nothing queued.
    geometric = RunForm(
        {"replications": 30, "seed": 5, "weight_noise": 0, "aggregations": ["geometric"]},
        max_level=4,
    )
    assert geometric.is_valid(), geometric.errors
    with pytest.raises(ValidationError, match="positive"):
        start_run(asem, actor=city_admin, replications=30, seed=5,
                  assumptions=geometric.assumptions(asem.pipeline))  # fmt: skip
    nothing = RunForm({"replications": 30, "seed": 5, "weight_noise": 0}, max_level=4)
    assert nothing.is_valid()
    with pytest.raises(ValidationError, match="ít nhất một giả định"):
        start_run(asem, actor=city_admin, replications=30, seed=5,
                  assumptions=nothing.assumptions(asem.pipeline))  # fmt: skip
    assert CompositeRun.objects.count() == 2


# --- views -------------------------------------------------------------------------------


def test_list_import_detail_pages(admin_client_, client_a, city_admin):
    assert client_a.get(reverse("composites:list")).status_code == 403
    assert client_a.get(reverse("composites:import")).status_code == 403
    response = admin_client_.post(
        reverse("composites:import"),
        {
            "name": "ASEM",
            "meta_file": upload("ASEM_iMeta.csv"),
            "data_file": upload("ASEM_iData.csv"),
        },
    )
    index = CompositeIndex.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("composites:detail", args=[index.pk])
    page = admin_client_.get(reverse("composites:detail", args=[index.pk])).content.decode()
    assert "cchc.composite.pipeline" in page
    assert 'data-testid="run-form"' in page
    for name in ("noise_levels", "normalisations", "aggregations", "imputations", "treatments"):
        assert f'name="{name}"' in page
    assert 'name="noise_levels" value="3"' in page
    assert 'name="noise_levels" value="4"' not in page
    assert client_a.get(reverse("composites:detail", args=[index.pk])).status_code == 403


def test_import_page_shows_the_row_errors(admin_client_):
    data = (ASEM / "ASEM_iData.csv").read_text().replace("\nBelgium,BEL,", "\nBelgium,AUT,")
    response = admin_client_.post(
        reverse("composites:import"),
        {
            "name": "bad",
            "meta_file": upload("ASEM_iMeta.csv"),
            "data_file": upload("d.csv", data.encode()),
        },
    )
    assert response.status_code == 200
    assert 'data-testid="import-errors"' in response.content.decode()
    assert "AUT: duplicate uCode" in response.content.decode()
    assert not CompositeIndex.objects.exists()


def test_list_has_constant_queries(admin_client_, city_admin):
    def add_rows(n):
        for i in range(n):
            index = CompositeIndex.objects.create(name=f"I{i}", created_by=city_admin)
            CompositeRun.objects.create(index=index, pipeline={})

    assert_constant_queries(lambda: admin_client_.get(reverse("composites:list")), add_rows)


def test_run_pages_results_chart_and_xlsx(
    asem, admin_client_, client_a, city_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("composites:run_start", args=[asem.pk]),
            {"replications": 20, "seed": 1, "weight_noise": 25, "noise_levels": [2, 3]},
        )
    run = CompositeRun.objects.get()
    url = reverse("composites:run", args=[asem.pk, run.pk])
    assert response["Location"] == url
    page = admin_client_.get(url).content.decode()
    assert 'data-chart="intervals"' in page
    assert '<tr data-unit="CHE">' in page
    assert "68,38" in page or "68.38" in page
    level2 = admin_client_.get(url + "?level=2").content.decode()
    assert 'title="Physical"' in level2
    assert client_a.get(url).status_code == 403
    export = admin_client_.get(reverse("composites:run_xlsx", args=[asem.pk, run.pk]))
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[1:] == [
        "Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated",
    ]  # fmt: skip
    results = book.worksheets[0]
    assert results.cell(2, 1).value == "CHE"
    assert results.cell(2, 3).value == pytest.approx(68.38, abs=0.005)


def test_running_run_polls_its_status(asem, admin_client_, city_admin):
    run = CompositeRun.objects.create(index=asem, pipeline=asem.pipeline, progress=40)
    url = reverse("composites:run", args=[asem.pk, run.pk])
    partial = admin_client_.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert 'value="40"' in partial
    run.status = CompositeRun.Status.DONE
    run.result = {"units": []}
    run.save()
    done = admin_client_.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    other = reverse("composites:run", args=[asem.pk + 1, run.pk])
    assert admin_client_.get(other).status_code == 404
