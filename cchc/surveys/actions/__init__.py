"""Every change to satisfaction surveys; each writes one audit event in its transaction.
A package because the module grew past ~600 lines: questionnaires.py (publish, new version,
editing drafts), campaigns.py (open and close campaigns), responses.py (record and review).
Import from here: `from cchc.surveys.actions import …`."""

from cchc.surveys.actions.campaigns import close_campaign, create_campaign
from cchc.surveys.actions.questionnaires import (
    add_question,
    new_version,
    publish_questionnaire,
    remove_question,
    update_questionnaire,
)
from cchc.surveys.actions.responses import (
    clean_answers,
    record_response,
    recount_answers,
    review_response,
)

__all__ = [
    "add_question",
    "clean_answers",
    "close_campaign",
    "create_campaign",
    "new_version",
    "publish_questionnaire",
    "record_response",
    "recount_answers",
    "remove_question",
    "review_response",
    "update_questionnaire",
]
