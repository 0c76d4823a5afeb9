"""Campaigns: opening one with its units and required samples, closing it."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.surveys.models import (
    Campaign,
    CampaignUnit,
    Questionnaire,
    Response,
)
from cchc.surveys.scoring import sample_size


def _check_campaign(
    questionnaire: Questionnaire,
    title: str,
    start: datetime.date,
    end: datetime.date,
    margin: Decimal,
) -> None:
    if not questionnaire.is_frozen:
        raise ValidationError(
            {"questionnaire": _("A campaign needs a published questionnaire; publish it first.")}
        )
    if not title.strip():
        raise ValidationError({"title": _("Give the campaign a title.")})
    if end < start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if not margin.is_finite() or not 0 < margin < 1:
        raise ValidationError(
            {"margin": _("The margin of error must be between 0 and 1, e.g. 0.05.")}
        )
    if margin != margin.quantize(Decimal("0.001")):
        raise ValidationError(
            {"margin": _("Write the margin of error with at most three decimals, e.g. 0.025.")}
        )


def _campaign_units(
    campaign: Campaign, units_with_population: Iterable[tuple[OrgUnit, int]]
) -> list[CampaignUnit]:
    rows: list[CampaignUnit] = []
    seen: set[int] = set()
    for unit, population in units_with_population:
        if unit.pk in seen:
            raise ValidationError({"units": _("%(unit)s is listed twice.") % {"unit": unit}})
        if isinstance(population, bool) or not isinstance(population, int) or population < 1:
            raise ValidationError(
                {
                    "units": _("%(unit)s: the number of transactions must be at least 1.")
                    % {"unit": unit}
                }
            )
        seen.add(unit.pk)
        required = sample_size(population, campaign.margin)
        rows.append(
            CampaignUnit(campaign=campaign, unit=unit, transactions=population, required=required)
        )
    if not rows:
        raise ValidationError({"units": _("Choose at least one unit to survey.")})
    return rows


@transaction.atomic
def create_campaign(
    *,
    actor: User,
    questionnaire: Questionnaire,
    title: str,
    start: datetime.date,
    end: datetime.date,
    margin: Decimal = Decimal("0.05"),
    units_with_population: Iterable[tuple[OrgUnit, int]],
) -> Campaign:
    """Open a campaign of `questionnaire` over start–end in the given units, each with its
    number of transactions N in the period; the required sample per unit is
    n = ⌈N / (1 + N·e²)⌉ with e = `margin`. Each unit gets the token of its public link.
    Writes "surveys.create_campaign" with the units and their samples.

    Refuses a draft questionnaire, an empty title, a period ending before it starts, a margin
    outside (0, 1), no units, a unit listed twice and a number of transactions below 1."""
    margin = Decimal(str(margin))
    _check_campaign(questionnaire, title, start, end, margin)
    campaign = Campaign(
        questionnaire=questionnaire,
        title=title.strip(),
        period_start=start,
        period_end=end,
        margin=margin,
        created_by=actor,
    )
    rows = _campaign_units(campaign, units_with_population)
    campaign.save()
    CampaignUnit.objects.bulk_create(rows)
    audit.record(
        actor,
        "surveys.create_campaign",
        campaign,
        details={
            "questionnaire": questionnaire.pk,
            "margin": str(margin),
            "units": {row.unit.code: [row.transactions, row.required] for row in rows},
        },
    )
    return campaign


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor: User) -> Campaign:
    """Stop collecting responses and erase the clients' address hashes, which are kept for the
    campaign only. Writes "surveys.close_campaign". Refuses a closed campaign."""
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(_("The campaign is already closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    erased = (
        Response.objects.filter(campaign_unit__campaign=campaign)
        .exclude(client_hash="")
        .update(client_hash="")
    )
    audit.record(actor, "surveys.close_campaign", campaign, details={"hashes_erased": erased})
    return campaign
