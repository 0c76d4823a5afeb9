"""Periodic PAR reports (issue #19; docs/domain/periodic-reports.md).

`ReportPeriod` holds the Ministry's reporting periods and their data windows as data (a changed
guidance is an edit, not a release), with the city's internal due day. `ReportSection` is the
outline (direction of PAR, the six areas, next tasks, proposals) and `Indicator` the annex rows:
a row with a `source` is computed from the platform's records, a row without one is typed in by
the unit. `PeriodicReport` is one unit's report for one year and period (the city's own report
is the one whose unit is the home province); `SectionText` its narrative and `AnnexValue` its
annex figures, each overridable with a reason.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass(frozen=True)
class Window:
    """The data window of one period of one year, its Ministry due day and the city's internal
    due day."""

    first: datetime.date
    last: datetime.date
    due: datetime.date
    internal_due: datetime.date


class ReportPeriod(models.Model):
    """A reporting period: quarter I, six months, quarter III or the year (guidance
    581/BNV-CCHC). Dates are given as day and month; `from_previous_year` puts the window's
    first day in the year before the report's year (15/12 of the previous year)."""

    code = models.SlugField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=60)
    heading = models.CharField(
        _("heading"),
        max_length=60,
        help_text=_("As in the document's title, {year} standing for the year: quý I năm {year}"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    from_day = models.PositiveSmallIntegerField(_("data from (day)"))
    from_month = models.PositiveSmallIntegerField(_("data from (month)"))
    from_previous_year = models.BooleanField(_("data from the previous year"), default=False)
    to_day = models.PositiveSmallIntegerField(_("data to (day)"))
    to_month = models.PositiveSmallIntegerField(_("data to (month)"))
    due_day = models.PositiveSmallIntegerField(_("due to the Ministry (day)"))
    due_month = models.PositiveSmallIntegerField(_("due to the Ministry (month)"))
    internal_due_day = models.PositiveSmallIntegerField(
        _("units' internal due day"),
        help_text=_("Day of the due month by which units report to the Department of Home Affairs"),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before the internal due day"), default=3
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def heading_for(self, year: int) -> str:
        return self.heading.replace("{year}", str(year))

    def window(self, year: int) -> Window:
        """The window of the report of `year`: first and last day of the data, the Ministry's
        due day and the units' internal due day."""
        first_year = year - 1 if self.from_previous_year else year
        return Window(
            first=datetime.date(first_year, self.from_month, self.from_day),
            last=datetime.date(year, self.to_month, self.to_day),
            due=datetime.date(year, self.due_month, self.due_day),
            internal_due=datetime.date(year, self.due_month, self.internal_due_day),
        )


class ReportSection(models.Model):
    """A heading of the Ministry's outline. `area_code` names the plans content area whose
    tasks the section's figures count; `narrative` sections take results, limitations and
    causes, the others (next tasks, proposals) one text."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    number = models.CharField(_("number"), max_length=8)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    area_code = models.CharField(_("content area"), max_length=8, blank=True)
    narrative = models.BooleanField(_("results, limitations and causes"), default=True)

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Indicator(models.Model):
    """A row of the statistical annex. `source` names a computation in `queries.SOURCES`;
    blank means the unit types the value in."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    section = models.ForeignKey(
        ReportSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="rows"
    )
    label = models.CharField(_("indicator"), max_length=300)
    measure = models.CharField(_("unit of measure"), max_length=30)
    source = models.CharField(_("computed from"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("annex indicator")
        verbose_name_plural = _("annex indicators")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def computed(self) -> bool:
        return bool(self.source)


class PeriodicReportQuerySet(models.QuerySet["PeriodicReport"]):
    def for_user(self, user: "User") -> "PeriodicReportQuerySet":
        return self.filter(unit__in=OrgUnit.objects.visible_to(user))


class PeriodicReport(models.Model):
    """One unit's report for one year and period: draft → submitted → accepted, or returned
    (then edited and submitted again). A submitted or accepted report is frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="periodic_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.ForeignKey(
        ReportPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(_("number and symbol"), max_length=50, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=150, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PeriodicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-year", "-period__order", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period"], name="reports_periodic_once")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.year} — {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("reports:periodic_detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """The period and year as in the document's title: "6 tháng đầu năm 2026"."""
        return self.period.heading_for(self.year)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def window(self) -> Window:
        return self.period.window(self.year)


class SectionText(models.Model):
    """The unit's narrative for one section."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="texts")
    section = models.ForeignKey(ReportSection, on_delete=models.PROTECT)
    results = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    # The section's tasks (its content area) for the window, refreshed with the annex and
    # frozen with the report: {"tasks_assigned": n, "tasks_completed": n, …}.
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="reports_text_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} — {self.section}"

    def text(self) -> str:
        """The section's text in one piece (results, then limitations, then causes)."""
        return "\n\n".join(part for part in (self.results, self.limitations, self.causes) if part)


class AnnexValue(models.Model):
    """One annex figure of a report: `computed` from the records when the row has a source,
    `value` the figure reported (the computed one unless overridden, with a reason)."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT)
    computed = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True)
    reason = models.CharField(_("reason for the override"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="reports_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def overridden(self) -> bool:
        return self.computed is not None and self.value != self.computed
