"""Every change to periodic reports: start, write, override a figure, submit, accept, return,
consolidate the city's report, remind and escalate. Each is atomic and audited as
`reports.<verb>`; a submitted or accepted report is frozen, and edits check `version`."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cchc.accounts.models import Membership, User
from cchc.core import actions as core_actions
from cchc.core import audit
from cchc.core.actions import notices_to
from cchc.core.models import Notification
from cchc.reports import queries
from cchc.reports.models import (
    AnnexValue,
    Indicator,
    PeriodicReport,
    ReportPeriod,
    ReportSection,
    SectionText,
)

if TYPE_CHECKING:
    from cchc.orgunits.models import OrgUnit

HEADER_FIELDS = ["number", "signer_position", "signer_name", "recipients"]
TEXT_FIELDS = ["results", "limitations", "causes"]


def notify(users: Iterable[User], kind: str, message: str, link: str, key: str) -> int:
    """In-app notices (and their e-mail) for `users`, once per user and `key`, through
    `core.actions.notify`. Returns how many were new."""
    return len(
        core_actions.notify(
            notices_to(
                [user.pk for user in users], kind=kind, message=message, key=key[:120], link=link
            )
        )
    )


def _check_version(report: PeriodicReport, version: int) -> None:
    """Bump the report's version, refusing a stale one (someone saved in between)."""
    updated = PeriodicReport.objects.filter(pk=report.pk, version=version).update(
        version=F("version") + 1
    )
    if not updated:
        raise ValidationError(
            _("Someone else changed this report since you opened it. Reload and try again.")
        )
    report.version = version + 1


def _require_editable(report: PeriodicReport) -> None:
    if not report.is_editable:
        raise ValidationError(_("A submitted or accepted report can no longer be changed."))


def _refresh_figures(report: PeriodicReport) -> None:
    """Recompute the computed rows for the report's window; an overridden value keeps its
    override. The city's typed-in rows take the sum of the units' accepted reports."""
    window = report.window()
    indicators = list(Indicator.objects.filter(is_active=True))
    sources = {i.source for i in indicators if i.source}
    scope = queries.report_scope(report)
    values = queries.figures(window, scope, sources)[scope[0] if scope else queries.CITY]
    unit_id = scope[0] if scope else None
    areas = queries.section_figures(window, unit_id)
    for text in report.texts.select_related("section"):
        if text.section.area_code:
            text.figures = areas[text.section.area_code].as_dict()
            text.save(update_fields=["figures"])
    stored = {v.indicator_id: v for v in AnnexValue.objects.filter(report=report)}
    for indicator in indicators:
        if not indicator.source:
            if indicator.pk not in stored:
                AnnexValue.objects.create(report=report, indicator=indicator, value=None)
            continue
        computed = values[indicator.source]
        row = stored.get(indicator.pk)
        if row is None:
            AnnexValue.objects.create(
                report=report, indicator=indicator, computed=computed, value=computed
            )
        elif row.reason:
            AnnexValue.objects.filter(pk=row.pk).update(computed=computed)
        else:
            AnnexValue.objects.filter(pk=row.pk).update(computed=computed, value=computed)


@transaction.atomic
def start_report(
    unit: "OrgUnit", *, actor: User | None, year: int, period: ReportPeriod
) -> PeriodicReport:
    """Create the unit's draft report for `year` and `period`, its annex filled from the
    records of the window and its texts started from the unit's previous report (the text of
    the period before is offered as a start). Audited as `reports.start`. Refuses a second
    report for the same unit, year and period, and an ended unit."""
    if not unit.is_current:
        raise ValidationError(_("An ended unit does not report."))
    if PeriodicReport.objects.filter(unit=unit, year=year, period=period).exists():
        raise ValidationError(_("This unit already has a report for this period."))
    report = PeriodicReport.objects.create(unit=unit, year=year, period=period)
    previous = queries.previous_report(report)
    # The city's texts start from the units' reports (consolidate_report), not the last period.
    city = queries.is_city_report(report)
    earlier = {t.section_id: t for t in previous.texts.all()} if previous and not city else {}
    SectionText.objects.bulk_create(
        SectionText(
            report=report,
            section=section,
            **{name: getattr(earlier[section.pk], name) for name in TEXT_FIELDS}
            if section.pk in earlier
            else {},
        )
        for section in ReportSection.objects.all()
    )
    if previous:
        for name in ("signer_position", "signer_name", "recipients"):
            setattr(report, name, getattr(previous, name))
        report.save(update_fields=["signer_position", "signer_name", "recipients"])
    _refresh_figures(report)
    if city:
        _fill_city_typed_rows(report)
    audit.record(
        actor,
        "reports.start",
        report,
        unit=unit,
        details={"year": year, "period": period.code, "from_previous": previous is not None},
    )
    return report


@transaction.atomic
def update_report(
    report: PeriodicReport,
    *,
    actor: User,
    version: int,
    header: Mapping[str, str],
    texts: Mapping[int, Mapping[str, str]],
) -> PeriodicReport:
    """Save the report's document fields (`header`: number, signer, recipients) and its
    sections' texts (`texts`: section id → {results, limitations, causes}). Audited as
    `reports.update` with the changed fields. Refuses a frozen report and a stale version."""
    _require_editable(report)
    _check_version(report, version)
    before = audit.snapshot(report, HEADER_FIELDS)
    for name in HEADER_FIELDS:
        if name in header:
            setattr(report, name, header[name].strip())
    report.save(update_fields=HEADER_FIELDS)
    changes = audit.diff(before, audit.snapshot(report, HEADER_FIELDS))
    for text in report.texts.select_related("section"):
        given = texts.get(text.section_id)
        if not given:
            continue
        old = {name: getattr(text, name) for name in TEXT_FIELDS}
        for name in TEXT_FIELDS:
            if name in given:
                setattr(text, name, given[name].strip())
        new = {name: getattr(text, name) for name in TEXT_FIELDS}
        if new != old:
            text.save(update_fields=TEXT_FIELDS)
            changes[f"section {text.section.code}"] = [
                [k for k in TEXT_FIELDS if old[k] != new[k]],
                "changed",
            ]
    _refresh_figures(report)
    audit.record(actor, "reports.update", report, unit=report.unit, changes=changes)
    return report


@transaction.atomic
def set_annex_value(
    report: PeriodicReport,
    indicator: Indicator,
    *,
    actor: User,
    version: int,
    value: Decimal | None,
    reason: str = "",
) -> AnnexValue:
    """Type in a row without a source, or override a computed row (a reason is required;
    clearing the value goes back to the computed figure). Audited as `reports.set_value`
    (`reports.override` for a computed row) with the before and after values and the reason.
    Refuses a frozen report, a stale version, a negative value and an override without a
    reason."""
    _require_editable(report)
    if value is not None and value < 0:
        raise ValidationError(_("A figure cannot be negative."))
    row = AnnexValue.objects.select_for_update().get(report=report, indicator=indicator)
    reason = reason.strip()
    if indicator.source:
        if value is None or value == row.computed:
            value, reason = row.computed, ""
        elif not reason:
            raise ValidationError(
                _("Give the reason for changing the figure computed from the records.")
            )
    _check_version(report, version)
    before = {"value": audit._jsonable(row.value), "reason": row.reason}
    row.value, row.reason = value, reason
    row.save(update_fields=["value", "reason"])
    verb = "reports.override" if indicator.source else "reports.set_value"
    audit.record(
        actor,
        verb,
        report,
        unit=report.unit,
        changes=audit.diff(before, {"value": audit._jsonable(value), "reason": reason}),
        details={"indicator": indicator.code, "computed": audit._jsonable(row.computed)},
    )
    return row


def _city_admins() -> list[User]:
    return list(
        User.objects.filter(is_active=True, memberships__role=Membership.Role.CITY_ADMIN).distinct()
    )


def _focal_points(unit: "OrgUnit") -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__role=Membership.Role.FOCAL_POINT,
        ).distinct()
    )


@transaction.atomic
def submit_report(report: PeriodicReport, *, actor: User, version: int) -> PeriodicReport:
    """Submit the report to the Department of Home Affairs: its computed figures are
    refreshed for the window and frozen with it. City administrators are notified. Audited as
    `reports.submit` (`resubmitted` when it had been returned). Refuses a frozen report, a
    stale version and a report with an empty results text in every section."""
    _require_editable(report)
    if not any(t.text() for t in report.texts.all()):
        raise ValidationError(_("Write at least one section before submitting."))
    _check_version(report, version)
    resubmitted = report.status == PeriodicReport.Status.RETURNED
    if queries.is_city_report(report):
        _fill_city_typed_rows(report)
    _refresh_figures(report)
    report.status = PeriodicReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    with translation.override("vi"):
        notify(
            _city_admins(),
            Notification.Kind.REVIEW,
            _("%(unit)s submitted its %(period)s reform report.")
            % {"unit": report.unit.name, "period": report.heading},
            report.get_absolute_url(),
            f"reports.submit.{report.pk}.{report.version}",
        )
    audit.record(
        actor, "reports.submit", report, unit=report.unit, details={"resubmitted": resubmitted}
    )
    return report


def _decide(report: PeriodicReport, actor: User) -> None:
    if report.status != PeriodicReport.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted or returned."))
    if queries.is_city_report(report):
        raise ValidationError(_("The city's own report is not accepted or returned."))


@transaction.atomic
def accept_report(report: PeriodicReport, *, actor: User) -> PeriodicReport:
    """Accept a submitted unit report (the Department of Home Affairs): it then counts in the
    city's consolidation. The unit's focal points are notified. Audited as `reports.accept`.
    Refuses a report that is not submitted and the city's own report."""
    _decide(report, actor)
    report.status = PeriodicReport.Status.ACCEPTED
    report.decided_at = timezone.now()
    report.return_reason = ""
    report.save(update_fields=["status", "decided_at", "return_reason"])
    _tell_unit(report, gettext_noop("Your %(period)s reform report was accepted."))
    audit.record(actor, "reports.accept", report, unit=report.unit)
    return report


@transaction.atomic
def return_report(report: PeriodicReport, *, actor: User, reason: str) -> PeriodicReport:
    """Return a submitted unit report with a reason: the unit edits it and submits again. The
    unit's focal points are notified. Audited as `reports.return` with the reason. Refuses a
    report that is not submitted, the city's own report and an empty reason."""
    _decide(report, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for returning the report."))
    report.status = PeriodicReport.Status.RETURNED
    report.decided_at = timezone.now()
    report.return_reason = reason[:500]
    report.save(update_fields=["status", "decided_at", "return_reason"])
    _tell_unit(report, gettext_noop("Your %(period)s reform report was returned: %(reason)s"))
    audit.record(actor, "reports.return", report, unit=report.unit, details={"reason": reason})
    return report


def _tell_unit(report: PeriodicReport, message: str) -> None:
    """Notify the unit's focal points, in Vietnamese whatever the reviewer's language."""
    with translation.override("vi"):
        text = _(message) % {
            "period": report.heading,
            "reason": report.return_reason,
        }
        notify(
            _focal_points(report.unit),
            Notification.Kind.DECISION,
            text,
            report.get_absolute_url(),
            f"reports.decision.{report.pk}.{report.status}.{report.version}",
        )


def _fill_city_typed_rows(report: PeriodicReport) -> dict[str, Any]:
    """The city's typed-in rows take the sum of the units' accepted reports (unless the city
    overrode them with a reason)."""
    consolidation = queries.consolidate(report.year, report.period, list(queries.reporting_units()))
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True, source="")}
    for code, indicator in indicators.items():
        AnnexValue.objects.filter(report=report, indicator=indicator, reason="").update(
            value=consolidation.totals[code]
        )
    return {
        "accepted": len(consolidation.contributions),
        "missing": len(consolidation.missing),
        "texts": consolidation,
    }


@transaction.atomic
def consolidate_report(report: PeriodicReport, *, actor: User, version: int) -> PeriodicReport:
    """Assemble the city's report from the units' accepted reports: the typed-in annex rows
    become their sums, the computed rows are refreshed over every record, and each empty
    section text is started with the units' texts (one paragraph per unit, to be edited).
    Audited as `reports.consolidate` with the counts. Refuses a unit's report, a frozen report
    and a stale version."""
    if not queries.is_city_report(report):
        raise ValidationError(_("Only the city's report is consolidated."))
    _require_editable(report)
    _check_version(report, version)
    filled = _fill_city_typed_rows(report)
    consolidation = filled.pop("texts")
    _refresh_figures(report)
    started = 0
    for text in report.texts.all():
        if text.text():
            continue
        parts = [
            f"{c.unit}: {c.texts[text.section_id]}"
            for c in consolidation.contributions
            if text.section_id in c.texts
        ]
        if parts:
            text.results = "\n\n".join(parts)
            text.save(update_fields=["results"])
            started += 1
    audit.record(
        actor,
        "reports.consolidate",
        report,
        unit=report.unit,
        details={**filled, "sections_started": started},
    )
    return report


@transaction.atomic
def send_report_reminders(today: datetime.date, *, actor: User | None = None) -> dict[str, int]:
    """Remind the focal points of the units that have not submitted their report of the
    current period in the `reminder_days` before the internal due day, and escalate to their
    heads and the city administrators from the day after it until the Ministry's due day.
    Idempotent (one notice per user, report period and day kind). Audited as
    `reports.remind` with the counts when anything was sent."""
    counts = {"reminded": 0, "escalated": 0}
    units = list(queries.reporting_units())
    for period in ReportPeriod.objects.all():
        window = period.window(today.year)
        before = window.internal_due - datetime.timedelta(days=period.reminder_days)
        if not (before <= today <= window.due):
            continue
        done = set(
            PeriodicReport.objects.filter(year=today.year, period=period)
            .exclude(status__in=PeriodicReport.EDITABLE)
            .values_list("unit_id", flat=True)
        )
        late = [unit for unit in units if unit.pk not in done]
        for name, n in _remind(period, window, late, today).items():
            counts[name] += n
    if counts["reminded"] or counts["escalated"]:
        audit.record(actor, "reports.remind", details={"day": str(today), **counts})
    return counts


def _remind(period: ReportPeriod, window: Any, late: list["OrgUnit"], today: datetime.date) -> dict:
    reminded = escalated = 0
    people: dict[tuple[int, str], list[User]] = {}
    for membership in Membership.objects.filter(
        unit__in=late,
        role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
        user__is_active=True,
    ).select_related("user"):
        people.setdefault((membership.unit_id, membership.role), []).append(membership.user)
    admins = _city_admins()
    with translation.override("vi"):
        for unit in late:
            values = {
                "period": period.heading_for(window.last.year),
                "unit": unit.name,
                "day": f"{window.internal_due:%d/%m/%Y}",
            }
            if today <= window.internal_due:
                reminded += notify(
                    people.get((unit.pk, Membership.Role.FOCAL_POINT), []),
                    Notification.Kind.BEFORE_DEADLINE,
                    _("The %(period)s reform report of %(unit)s is due on %(day)s.") % values,
                    reverse("reports:periodic_list"),
                    f"reports.remind.{period.code}.{window.last.year}.{unit.pk}",
                )
            else:
                bosses = people.get((unit.pk, Membership.Role.HEAD), []) + admins
                escalated += notify(
                    bosses,
                    Notification.Kind.ESCALATION,
                    _("%(unit)s has not submitted its %(period)s reform report, due on %(day)s.")
                    % values,
                    reverse("reports:periodic_list"),
                    f"reports.escalate.{period.code}.{window.last.year}.{unit.pk}",
                )
    return {"reminded": reminded, "escalated": escalated}
