"""Background job of composite indices: compute a queued run, reporting its progress.

Thin and idempotent: it loads the run by id, skips a run already finished, and writes only the
run's own status, progress and result (the action that queued it wrote the audit event).
"""

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cchc.composite.pipeline import PipelineError
from cchc.composites import compute
from cchc.composites.models import CompositeRun


@task()
def run_composite(run_id: int) -> str:
    """Compute run `run_id`; returns its final status."""
    with transaction.atomic():
        run = CompositeRun.objects.select_for_update().select_related("index").get(pk=run_id)
        if run.status != CompositeRun.Status.QUEUED:
            return str(run.status)
        run.status = CompositeRun.Status.RUNNING
        run.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        CompositeRun.objects.filter(pk=run_id).update(progress=min(99, done * 100 // total))

    try:
        result = compute.run_result(
            run.index.meta,
            run.index.data,
            run.pipeline,
            replications=run.replications,
            seed=run.seed,
            assumptions=run.assumptions or None,
            progress=progress,
        )
    except (ValueError, PipelineError) as error:
        CompositeRun.objects.filter(pk=run_id).update(
            status=CompositeRun.Status.FAILED, error=str(error)[:4000], finished_at=timezone.now()
        )
        return CompositeRun.Status.FAILED.value
    CompositeRun.objects.filter(pk=run_id).update(
        status=CompositeRun.Status.DONE, progress=100, result=result, finished_at=timezone.now()
    )
    return CompositeRun.Status.DONE.value
