"""The audit trail in words: what a history panel or the audit page shows instead of event codes
and field names ("Nguyễn Thị A · giao nhiệm vụ · Đơn vị chủ trì: — → Phường Ba Đình").

`VERBS` names every event the actions record; `describe` turns events into lines, resolving the
changed fields' labels from the target's model and their values (a foreign key's record, a
choice's label, a date as dd/mm/yyyy) with one query per related model for the whole list.
A test keeps `VERBS` complete against the verbs the code records.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.models import AuditEvent

VERBS: dict[str, Any] = {
    # accounts
    "accounts.change_password": gettext_lazy("changed the password"),
    "accounts.create_api_token": gettext_lazy("created an API token"),
    "accounts.create_user": gettext_lazy("created the account"),
    "accounts.grant_membership": gettext_lazy("granted a role"),
    "accounts.revoke_api_token": gettext_lazy("revoked an API token"),
    "accounts.revoke_membership": gettext_lazy("revoked a role"),
    # orgunits
    "orgunits.create": gettext_lazy("created the unit"),
    "orgunits.end": gettext_lazy("ended the unit"),
    "orgunits.import": gettext_lazy("imported the organisation chart"),
    "orgunits.import_errors": gettext_lazy("tried to import the organisation chart (refused)"),
    "orgunits.load_admin_units": gettext_lazy("loaded the administrative units"),
    "orgunits.merge": gettext_lazy("merged units"),
    "orgunits.move": gettext_lazy("moved the unit"),
    "orgunits.tampered": gettext_lazy("found the unit tree altered outside the application"),
    "orgunits.update": gettext_lazy("updated the unit"),
    # plans
    "plans.accept_report": gettext_lazy("accepted the progress report"),
    "plans.approve_extension": gettext_lazy("approved the deadline extension"),
    "plans.assign_task": gettext_lazy("assigned the task"),
    "plans.cancel_task": gettext_lazy("cancelled the task"),
    "plans.close_month": gettext_lazy("closed the month"),
    "plans.complete_task": gettext_lazy("completed the task"),
    "plans.copy_plan": gettext_lazy("copied the plan"),
    "plans.create_plan": gettext_lazy("created the plan"),
    "plans.create_task": gettext_lazy("created the task"),
    "plans.import_errors": gettext_lazy("tried to import tasks (refused)"),
    "plans.import_tasks": gettext_lazy("imported tasks"),
    "plans.issue_plan": gettext_lazy("issued the plan"),
    "plans.refuse_extension": gettext_lazy("refused the deadline extension"),
    "plans.reopen_month": gettext_lazy("reopened the month"),
    "plans.request_extension": gettext_lazy("requested a deadline extension"),
    "plans.return_report": gettext_lazy("returned the progress report"),
    "plans.send_reminders": gettext_lazy("sent reminders"),
    "plans.submit_report": gettext_lazy("submitted a progress report"),
    "plans.update_task": gettext_lazy("updated the task"),
    # surveys
    "surveys.add_question": gettext_lazy("added a question"),
    "surveys.close_campaign": gettext_lazy("closed the survey campaign"),
    "surveys.create_campaign": gettext_lazy("created the survey campaign"),
    "surveys.import": gettext_lazy("imported paper forms"),
    "surveys.import_errors": gettext_lazy("tried to import paper forms (refused)"),
    "surveys.import_paper_forms": gettext_lazy("imported paper forms"),
    "surveys.new_version": gettext_lazy("made a new questionnaire version"),
    "surveys.publish_questionnaire": gettext_lazy("published the questionnaire"),
    "surveys.record_response": gettext_lazy("recorded a response"),
    "surveys.recount_answers": gettext_lazy("recounted the answers"),
    "surveys.remove_question": gettext_lazy("removed a question"),
    "surveys.review_response": gettext_lazy("reviewed a response"),
    "surveys.update_questionnaire": gettext_lazy("updated the questionnaire"),
    # inspections
    "inspections.add_member": gettext_lazy("added a team member"),
    "inspections.conclude": gettext_lazy("concluded the inspection"),
    "inspections.create": gettext_lazy("created the inspection"),
    "inspections.create_plan": gettext_lazy("created the inspection plan"),
    "inspections.escalate": gettext_lazy("escalated an overdue recommendation"),
    "inspections.finding": gettext_lazy("recorded a finding"),
    "inspections.start": gettext_lazy("started the inspection"),
    "inspections.verdict": gettext_lazy("gave the re-inspection verdict"),
    # dialogues
    "dialogues.announce_conference": gettext_lazy("announced the conference"),
    "dialogues.answer_petition": gettext_lazy("answered the petition"),
    "dialogues.close_conference": gettext_lazy("closed the conference"),
    "dialogues.close_petition": gettext_lazy("closed the petition"),
    "dialogues.correct_contact": gettext_lazy("corrected the contact"),
    "dialogues.erase_personal_data": gettext_lazy("erased the personal data"),
    "dialogues.hold_conference": gettext_lazy("held the conference"),
    "dialogues.merge_petition": gettext_lazy("merged the petition"),
    "dialogues.publish_answer": gettext_lazy("published the answer"),
    "dialogues.record_petition": gettext_lazy("recorded the petition"),
    "dialogues.route_petition": gettext_lazy("routed the petition"),
    "dialogues.screen_petition": gettext_lazy("screened the petition"),
    "dialogues.submit_petition": gettext_lazy("sent the petition"),
    "dialogues.withdraw_consent": gettext_lazy("withdrew consent"),
    # procedures
    "procedures.approve_campaign": gettext_lazy("approved the review campaign"),
    "procedures.approve_plan": gettext_lazy("approved the simplification plan"),
    "procedures.approve_workflow": gettext_lazy("approved the internal workflow"),
    "procedures.create_plan": gettext_lazy("created the simplification plan"),
    "procedures.create_workflow": gettext_lazy("created the internal workflow"),
    "procedures.edit_plan": gettext_lazy("edited the simplification plan"),
    "procedures.edit_workflow": gettext_lazy("edited the internal workflow"),
    "procedures.import": gettext_lazy("imported the procedure catalogue"),
    "procedures.import_errors": gettext_lazy("tried to import the procedure catalogue (refused)"),
    "procedures.open_campaign": gettext_lazy("opened the review campaign"),
    "procedures.publish_workflow": gettext_lazy("published the internal workflow"),
    "procedures.record_review": gettext_lazy("recorded the review"),
    "procedures.set_baseline": gettext_lazy("set the baseline"),
    # staffing
    "staffing.import": gettext_lazy("imported headcounts"),
    "staffing.import_errors": gettext_lazy("tried to import headcounts (refused)"),
    "staffing.import_shares": gettext_lazy("imported successor shares"),
    "staffing.record": gettext_lazy("recorded the headcount"),
    "staffing.set_shares": gettext_lazy("set the successor shares"),
    "staffing.share_import_errors": gettext_lazy("tried to import successor shares (refused)"),
    "staffing.update_policy": gettext_lazy("updated the headcount target"),
    # indices
    "indices.attach_evidence": gettext_lazy("attached evidence"),
    "indices.cite": gettext_lazy("cited tasks or reports"),
    "indices.close_unsubmitted": gettext_lazy("closed the unsubmitted self-assessments"),
    "indices.create_framework": gettext_lazy("created the index framework"),
    "indices.finalise": gettext_lazy("finalised the appraisal"),
    "indices.import_external": gettext_lazy("imported an external index"),
    "indices.import_survey_points": gettext_lazy("imported the survey points"),
    "indices.open_round": gettext_lazy("opened the self-assessment round"),
    "indices.propose": gettext_lazy("proposed a score"),
    "indices.publish_framework": gettext_lazy("published the index framework"),
    "indices.publish_round": gettext_lazy("published the index results"),
    "indices.respond": gettext_lazy("responded to the appraisal"),
    "indices.score": gettext_lazy("scored a criterion"),
    "indices.send_appraisal": gettext_lazy("sent the appraisal"),
    "indices.send_reminders": gettext_lazy("sent reminders"),
    "indices.set_council": gettext_lazy("set the appraisal council"),
    "indices.submit": gettext_lazy("submitted the self-assessment"),
    # composites
    "composites.import": gettext_lazy("imported indicator data"),
    "composites.run": gettext_lazy("ran the composite index"),
    "composites.update_pipeline": gettext_lazy("updated the pipeline"),
    # ratings
    "ratings.approve": gettext_lazy("approved the ratings"),
    "ratings.assess": gettext_lazy("assessed the rating"),
    "ratings.assess_agency": gettext_lazy("assessed the agency criteria"),
    "ratings.choose_policy": gettext_lazy("chose the rating policy"),
    "ratings.decide_handling": gettext_lazy("decided how to handle the responsibility"),
    "ratings.explain_delay": gettext_lazy("explained the delay"),
    "ratings.follow_up": gettext_lazy("recorded a follow-up"),
    "ratings.generate_round": gettext_lazy("generated the ratings"),
    "ratings.grant_cap_exception": gettext_lazy("granted an exception to the cap"),
    "ratings.publish_policy": gettext_lazy("published the rating policy"),
    "ratings.rate_closed_month": gettext_lazy("rated the closed month"),
    "ratings.record_discipline": gettext_lazy("recorded a disciplinary decision"),
    "ratings.record_responsibilities": gettext_lazy("recorded the responsibilities"),
    "ratings.reopen": gettext_lazy("reopened the ratings"),
    "ratings.respond": gettext_lazy("responded to the rating"),
    "ratings.set_staff_group": gettext_lazy("set the staff group"),
    # services
    "services.apology": gettext_lazy("issued an apology letter"),
    "services.close_month": gettext_lazy("closed the month's service index"),
    "services.import": gettext_lazy("imported dossiers"),
    "services.recompute": gettext_lazy("recomputed the service index"),
    # reports
    "reports.accept": gettext_lazy("accepted the periodic report"),
    "reports.consolidate": gettext_lazy("consolidated the city's periodic report"),
    "reports.override": gettext_lazy("overrode an annex figure"),
    "reports.remind": gettext_lazy("sent periodic report reminders"),
    "reports.return": gettext_lazy("returned the periodic report"),
    "reports.set_value": gettext_lazy("entered an annex figure"),
    "reports.start": gettext_lazy("started the periodic report"),
    "reports.submit": gettext_lazy("submitted the periodic report"),
    "reports.update": gettext_lazy("edited the periodic report"),
    # privacy
    "privacy.answer_request": gettext_lazy("answered the data request"),
    "privacy.erase_expired": gettext_lazy("erased expired personal data"),
    "privacy.export": gettext_lazy("exported personal data"),
    "privacy.record_request": gettext_lazy("recorded a data request"),
    "privacy.correct_contact": gettext_lazy("corrected the contact"),
    "privacy.erase_response": gettext_lazy("erased a survey response's personal data"),
    "privacy.prove_with_code": gettext_lazy("proved control with a one-time code"),
    "privacy.refuse_code": gettext_lazy("refused a one-time code"),
    "privacy.send_code": gettext_lazy("sent a one-time code"),
    "privacy.withdraw_consent": gettext_lazy("withdrew consent"),
    # core
    "job.requeued": gettext_lazy("requeued a failed job"),
    # demo
    "demo.remove": gettext_lazy("removed the demo data"),
    "demo.seed": gettext_lazy("seeded the demo data"),
}


def verb_label(verb: str) -> str:
    """The event in words; an event recorded by a verb this page does not know keeps its code."""
    return str(VERBS.get(verb, verb))


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Line:
    event: AuditEvent
    action: str
    changes: list[Change]


def describe(events: Any) -> list[Line]:
    """The events as lines in words. One query per related model for all the events' foreign
    key values, whatever the number of events."""
    events = list(events)
    fields = {event.pk: _fields(event) for event in events}
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for event in events:
        for name, values in (event.changes or {}).items():
            field = fields[event.pk].get(name)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update(
                    value for value in values if value not in (None, "")
                )
    names = {
        model: {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=keys)}
        for model, keys in wanted.items()
    }
    return [
        Line(
            event=event,
            action=verb_label(event.verb),
            changes=[
                Change(
                    label=_label(fields[event.pk].get(name), name),
                    before=_value(fields[event.pk].get(name), values[0], names),
                    after=_value(fields[event.pk].get(name), values[1], names),
                )
                for name, values in (event.changes or {}).items()
                if isinstance(values, list | tuple) and len(values) == 2
            ],
        )
        for event in events
    ]


def _fields(event: AuditEvent) -> dict[str, models.Field]:
    if event.target_type_id is None:
        return {}
    # get_for_id reads ContentType's cache: no query per event.
    model = ContentType.objects.get_for_id(event.target_type_id).model_class()
    if model is None:
        return {}
    return {
        field.name: field for field in model._meta.get_fields() if isinstance(field, models.Field)
    }


def _label(field: models.Field | None, name: str) -> str:
    if field is None:
        return name.replace("_", " ").capitalize()
    label = str(field.verbose_name)
    return label[:1].upper() + label[1:]


def _value(field: models.Field | None, value: Any, names: dict[Any, dict[str, str]]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return names.get(field.related_model, {}).get(str(value), str(value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT") if moment else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        return formats.date_format(day, "SHORT_DATE_FORMAT") if day else value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
