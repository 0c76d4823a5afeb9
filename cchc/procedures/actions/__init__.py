"""Every change to review campaigns, simplification plans, workflows and baselines. A package
because the module grew past 600 lines, one module per noun: reviews.py (review campaigns),
simplification.py (simplification plans), workflows.py (internal workflows), baselines.py (a
procedure's baseline); checks.py holds the checks they share. The catalogue import is
cchc/procedures/imports.py. Import from here: `from cchc.procedures.actions import …`."""

from cchc.procedures.actions.baselines import (
    BASELINE_FIELDS,
    BaselineInput,
    set_procedure_baseline,
)
from cchc.procedures.actions.reviews import (
    approve_review_campaign,
    open_review_campaign,
    record_review,
)
from cchc.procedures.actions.simplification import (
    LIMITS,
    MAX_YEARLY,
    PlanFigures,
    approve_simplification_plan,
    create_simplification_plan,
    edit_simplification_plan,
    figures_of,
    plan_comparison,
)
from cchc.procedures.actions.workflows import (
    StepInput,
    approve_workflow,
    create_workflow,
    edit_workflow,
    publish_workflow,
)

__all__ = [
    "BASELINE_FIELDS",
    "LIMITS",
    "MAX_YEARLY",
    "BaselineInput",
    "PlanFigures",
    "StepInput",
    "approve_review_campaign",
    "approve_simplification_plan",
    "approve_workflow",
    "create_simplification_plan",
    "create_workflow",
    "edit_simplification_plan",
    "edit_workflow",
    "figures_of",
    "open_review_campaign",
    "plan_comparison",
    "publish_workflow",
    "record_review",
    "set_procedure_baseline",
]
