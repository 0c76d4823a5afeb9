"""Every change to ratings: policies, rounds, assessment, response, approval, reopening,
decisions that force "not complete", the follow-up of responsibilities and the yearly
classification's decisions (staff groups, exceptions to the cap, agency points)."""

from cchc.ratings.actions.assessment import (
    approve_ratings,
    assess_rating,
    notify_assessed,
    reopen_rating,
    respond_to_rating,
    response_deadline,
)
from cchc.ratings.actions.records import (
    RESPONSIBILITY_UPSERT,
    add_follow_up,
    decide_handling,
    explain_delay,
    record_discipline,
    record_responsibilities,
)
from cchc.ratings.actions.rounds import (
    BAND_FIELDS,
    STORED_FIELDS,
    apply_leaders,
    attach_round_policy,
    choose_round_policy,
    generate_round,
    generate_scope_round,
    publish_policy,
    rebands,
    refresh_leaders,
)
from cchc.ratings.actions.years import assess_agency_year, grant_cap_exception, set_staff_group

__all__ = [
    "BAND_FIELDS",
    "RESPONSIBILITY_UPSERT",
    "STORED_FIELDS",
    "add_follow_up",
    "apply_leaders",
    "approve_ratings",
    "assess_agency_year",
    "assess_rating",
    "attach_round_policy",
    "choose_round_policy",
    "decide_handling",
    "explain_delay",
    "generate_round",
    "generate_scope_round",
    "grant_cap_exception",
    "notify_assessed",
    "publish_policy",
    "rebands",
    "record_discipline",
    "record_responsibilities",
    "refresh_leaders",
    "reopen_rating",
    "respond_to_rating",
    "response_deadline",
    "set_staff_group",
]
