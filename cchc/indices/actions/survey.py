"""Survey points of the index: from the satisfaction-survey module (cchc.surveys), or imported
from a workbook (unit code, points), all or nothing, when the survey was run outside the
platform.

`results.survey_points` reads a unit's imported points when there are some (the city's explicit
figure), else the satisfaction survey's. A unit with neither is rescaled to 100 from its
appraised score (scoring.index_percent).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit, xlsx
from cchc.core.xlsx import Column, ImportResult, RowError
from cchc.indices.models import Framework, SurveyPoints
from cchc.orgunits.models import OrgUnit

COLUMNS = [
    Column("unit", "Mã đơn vị", required=True, width=14),
    Column("points", "Điểm điều tra xã hội học", required=True, width=16),
    Column("name", "Tên đơn vị", "không bắt buộc", width=40),
]


@transaction.atomic
def import_survey_points(
    upload: UploadedFile, *, actor: User, framework: Framework
) -> ImportResult[SurveyPoints]:
    """Store the survey points listed in a workbook for `framework` (replacing a unit's earlier
    points), all or nothing. Writes "indices.import_survey_points" with the count.

    Refuses (ValidationError) a file that is not a valid .xlsx, lacks a column or has no rows.
    Returns the rows' errors, with nothing stored, for an unknown or repeated unit code and
    points that are not a number between 0 and the framework's survey maximum."""
    checked = xlsx.check_workbook_upload(upload)
    rows = xlsx.read_rows(upload, name=checked.original_name, columns=COLUMNS)
    if not rows:
        raise ValidationError(_("The file has no units."))
    codes = {xlsx.cell_text(cells.get("unit")) for _n, cells in rows}
    units = dict(
        OrgUnit.objects.current().filter(code__in=codes, legacy=False).values_list("code", "pk")
    )
    found: dict[int, Decimal] = {}
    errors = []
    for number, cells in rows:
        code = xlsx.cell_text(cells.get("unit"))
        points = xlsx.cell_decimal(cells.get("points"))
        if code not in units:
            errors.append(RowError(number, COLUMNS[0].label, _("No current unit has this code.")))
        elif units[code] in found:
            errors.append(RowError(number, COLUMNS[0].label, _("This unit is listed twice.")))
        if points is None or not points.is_finite() or not 0 <= points <= framework.survey_max:
            errors.append(
                RowError(
                    number,
                    COLUMNS[1].label,
                    _("Write points from 0 to %(max)s.")
                    % {"max": floatformat(framework.survey_max, "-2")},
                )
            )
        elif code in units:
            found[units[code]] = points
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    SurveyPoints.objects.filter(framework=framework, unit_id__in=list(found)).delete()
    stored = SurveyPoints.objects.bulk_create(
        SurveyPoints(framework=framework, unit_id=unit, points=points)
        for unit, points in found.items()
    )
    audit.record(
        actor,
        "indices.import_survey_points",
        framework,
        details={"units": len(stored), "file": checked.original_name, "sha256": checked.sha256},
    )
    return ImportResult(rows=len(rows), created=stored)
