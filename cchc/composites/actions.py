"""Every change to composite indices: editing the pipeline, starting a run (the import is
`imports.import_composite_index`, above the actions in the app's layers)."""

import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.composite import engine, uncertainty
from cchc.composite import pipeline as pipelines
from cchc.composites import compute
from cchc.composites.jobs import run_composite
from cchc.composites.models import CompositeIndex, CompositeRun
from cchc.core import audit

if TYPE_CHECKING:
    from cchc.accounts.models import User

MAX_REPLICATIONS = 5000


def refuse_unless_admin(actor: "User") -> None:
    if not actor.is_city_admin:
        raise ValidationError(_("Only city administrators manage composite indices."))


@transaction.atomic
def update_pipeline(
    index: CompositeIndex, *, actor: "User", text: str, version: int
) -> CompositeIndex:
    """Replace the index's pipeline with the JSON document `text`. Audit:
    "composites.update_pipeline" (before/after). Refuses a stale version, invalid JSON, an
    invalid document, and one the index's data cannot run (e.g. a target method without
    targets), naming every problem."""
    refuse_unless_admin(actor)
    locked = CompositeIndex.objects.select_for_update().get(pk=index.pk)
    if locked.version != version:
        raise ValidationError(_("Someone changed this pipeline meanwhile. Reload the page."))
    try:
        doc = pipelines.load(text)
        compute.run_result(locked.meta, locked.data, doc)
    except pipelines.PipelineError as error:
        raise ValidationError([str(e) for e in error.errors]) from error
    except ValueError as error:
        raise ValidationError(str(error)) from error
    before = locked.pipeline
    locked.pipeline = doc
    locked.version += 1
    locked.save(update_fields=["pipeline", "version", "updated_at"])
    audit.record(actor, "composites.update_pipeline", locked, changes={"pipeline": [before, doc]})
    return locked


@transaction.atomic
def start_run(
    index: CompositeIndex,
    *,
    actor: "User",
    replications: int,
    seed: int,
    weight_noise: float | None = None,
    assumptions: list[dict[str, Any]] | None = None,
) -> CompositeRun:
    """Queue a run of the index's current pipeline (a background job computes it), with
    `replications` for rank intervals over the `assumptions` (cchc.composite.uncertainty: noisy
    weights per level, alternative normalisation, aggregation, imputation, treatment); without
    them, noisy weights ±`weight_noise` (0–1, default 0.25) at every level below the index.
    Audit: "composites.run". Refuses more than MAX_REPLICATIONS or one replication, no
    assumption, an invalid one, and an alternative the index's data cannot run (e.g. a geometric
    mean over zeros), naming it."""
    refuse_unless_admin(actor)
    if replications < 0 or replications == 1 or replications > MAX_REPLICATIONS:
        raise ValidationError(
            _("Replications: 0 (none) or 2 to %(max)s.") % {"max": MAX_REPLICATIONS}
        )
    chosen: list[dict[str, Any]] = []
    if replications:
        fw, data = compute.load(index.meta, index.data)
        if assumptions is None:
            chosen = uncertainty.default_assumptions(fw, weight_noise or 0.25)
        else:
            chosen = assumptions
        check_runnable(index.pipeline, chosen, fw, data)
    run = CompositeRun.objects.create(
        index=index,
        pipeline=json.loads(json.dumps(index.pipeline)),
        replications=replications,
        seed=seed,
        assumptions=chosen,
        created_by=actor,
    )
    audit.record(
        actor,
        "composites.run",
        run,
        details={
            "index": index.pk,
            "replications": replications,
            "seed": seed,
            "assumptions": [a.get("name") or a["type"] for a in chosen],
        },
    )
    transaction.on_commit(lambda: run_composite.enqueue(run.pk))
    return run


def check_runnable(
    pipeline: dict[str, Any], assumptions: list[dict[str, Any]], fw: Any, data: Any
) -> None:
    """Refuse assumptions the engine rejects, and any alternative option that fails on the
    index's data (each is run once alone, so a replication never fails half-way)."""
    if not assumptions:
        raise ValidationError(_("Choose at least one assumption for the rank intervals."))
    try:
        uncertainty.check_assumptions(assumptions, fw)
    except pipelines.PipelineError as error:
        raise ValidationError([str(e) for e in error.errors]) from error
    errors = []
    for assumption in assumptions:
        for option in assumption.get("options", [])[1:]:
            variant = uncertainty.with_option(pipeline, assumption["step"], option)
            try:
                engine.run(fw, data, variant)
            except (pipelines.PipelineError, ValueError) as error:
                errors.append(
                    _("%(name)s %(option)s cannot run on this data: %(error)s")
                    % {
                        "name": assumption.get("name") or assumption["step"],
                        "option": json.dumps(option, ensure_ascii=False),
                        "error": error,
                    }
                )
    if errors:
        raise ValidationError(errors)
