"""Every change to the reform index's data, one module per noun: frameworks.py (the criteria
tree: create, publish, copy), assessments.py (rounds and the units' self-assessment),
appraisal.py (the council), publication.py (a round's frozen results), survey.py (the city's
survey points) and external.py (external indices' results). The workbook import is
cchc.indices.imports. Import from here: `from cchc.indices.actions import …`."""

from cchc.indices.actions.appraisal import finalise, propose, respond, send_appraisal, set_council
from cchc.indices.actions.assessments import (
    KINDS,
    attach_evidence,
    cite_records,
    close_unsubmitted,
    open_round,
    score_criterion,
    send_deadline_reminders,
    submit_assessment,
)
from cchc.indices.actions.external import ExternalImport, import_results_csv
from cchc.indices.actions.frameworks import (
    Node,
    check_tree,
    copy_framework,
    create_framework,
    nodes_of,
    publish_framework,
)
from cchc.indices.actions.publication import publish_round
from cchc.indices.actions.survey import import_survey_points

__all__ = [
    "KINDS",
    "ExternalImport",
    "Node",
    "attach_evidence",
    "check_tree",
    "cite_records",
    "close_unsubmitted",
    "copy_framework",
    "create_framework",
    "finalise",
    "import_results_csv",
    "import_survey_points",
    "nodes_of",
    "open_round",
    "propose",
    "publish_framework",
    "publish_round",
    "respond",
    "score_criterion",
    "send_appraisal",
    "send_deadline_reminders",
    "set_council",
    "submit_assessment",
]
