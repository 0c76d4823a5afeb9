"""Who may see and do what with periodic reports. A unit's focal points (of the unit or an
ancestor) edit and submit its report; the Department of Home Affairs (city administrators)
accepts or returns units' reports and writes the city's consolidated report; everyone sees only
the reports of the units they see (`PeriodicReport.objects.for_user`)."""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import roles_over
from cchc.reports.models import PeriodicReport


def _is_city(unit: OrgUnit) -> bool:
    return unit.kind == OrgUnit.Kind.PROVINCE


def can_write_for_unit(user: Any, unit: OrgUnit) -> bool:
    """City administrators for every unit; a unit's focal points for any unit but the city."""
    if not user.is_authenticated or not unit.is_current:
        return False
    if user.is_city_admin:
        return True
    return not _is_city(unit) and Membership.Role.FOCAL_POINT in roles_over(user, unit)


def can_edit_report(user: Any, report: PeriodicReport) -> bool:
    """A draft or returned report, by someone who writes for its unit."""
    return report.is_editable and can_write_for_unit(user, report.unit)


def can_decide_report(user: Any, report: PeriodicReport) -> bool:
    """A submitted unit report, by the Department of Home Affairs (a city administrator)."""
    return (
        user.is_authenticated
        and user.is_city_admin
        and report.status == PeriodicReport.Status.SUBMITTED
        and not _is_city(report.unit)
    )


def can_consolidate(user: Any, report: PeriodicReport) -> bool:
    """The city's own report, while it can be edited, by a city administrator."""
    return (
        bool(user.is_authenticated and user.is_city_admin and _is_city(report.unit))
        and report.is_editable
    )


def get_report_for_user(user: Any, pk: int, *, write: bool = False) -> PeriodicReport:
    """The report if `user` sees it (and may edit it, with `write`); otherwise 404, the same
    answer for "does not exist" and "not yours"."""
    report = (
        PeriodicReport.objects.for_user(user).select_related("unit", "period").filter(pk=pk).first()
    )
    if report is None or (write and not can_edit_report(user, report)):
        raise Http404
    return report
