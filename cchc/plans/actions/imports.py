"""Import tasks into a plan from an XLSX file laid out like the downloadable template.
Reading the workbook (upload checks, header, rows, cells) is `cchc.core.xlsx`; this module
holds the task columns, the lookups and the task checks.

Every row and every column is checked first, with every lookup (content areas, the units the
actor may assign, the plan's task codes) read once into a dictionary, so a 5,000-row file costs
the same handful of queries as a 5-row one. Any error rejects the whole file: nothing is
created and the result lists each error as (row, column, message).

The tasks are written with `bulk_create` (parents before children) and **one** audit event
"plans.import_tasks" with the count, like `assign_task_to_units`, rather than by calling
`create_task` once per row: that would cost several queries and one audit event per row
(docs/architecture.md: "a bulk load writes one event with the counts, not one per row").
The checks of `create_task` (unique code, deadline not before the plan's date, positive
weight, parent in the same plan, current lead unit) are all made here, row by row.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core import audit, xlsx
from cchc.core.text import fold
from cchc.core.xlsx import (
    MAX_ROWS,
    Column,
    Row,
    RowError,
    cell_decimal,
    cell_text,
    check_workbook_upload,
)
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions.plans import parse_deadline
from cchc.plans.models import ContentArea, Plan, Task, assignment_day

if TYPE_CHECKING:
    from cchc.accounts.models import User

__all__ = [
    "COLUMNS",
    "COLUMN_BY_KEY",
    "MAX_ROWS",
    "PRIORITY_LABELS",
    "TEXT_COLUMNS",
    "Column",
    "ImportResult",
    "RowError",
    "import_tasks",
]

LOOKUP_CHUNK = 500

# The file format (fixed, Vietnamese): the template, the import and the task exports share it.
COLUMNS = [
    Column("code", "Mã nhiệm vụ", required=True, width=14),
    Column("title", "Tên nhiệm vụ", required=True, width=50),
    Column("area", "Lĩnh vực", "CD, TC, TTHC, TCBM, CV, TCC, CĐS, TĐ", required=True),
    Column("lead_unit", "Đơn vị chủ trì", "mã đơn vị", required=True),
    Column("cooperating_units", "Đơn vị phối hợp", "các mã, cách nhau bởi ;", width=24),
    Column("deadline", "Thời hạn", "dd/mm/yyyy hoặc Q1–Q4", required=True, width=16),
    Column("expected_output", "Sản phẩm đầu ra", width=30),
    Column("priority", "Ưu tiên", "Bình thường, Cao, Khẩn", width=14),
    Column("weight", "Trọng số", "số dương, mặc định 1", width=10),
    Column("parent", "Nhiệm vụ cha", "mã nhiệm vụ", width=14),
    Column("description", "Mô tả", width=40),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
TEXT_COLUMNS = ("code", "lead_unit", "cooperating_units", "parent")  # keep leading zeros

PRIORITY_LABELS = {
    Task.Priority.NORMAL: "Bình thường",
    Task.Priority.HIGH: "Cao",
    Task.Priority.URGENT: "Khẩn",
}
# Accepted spellings, compared folded: the code, the Vietnamese label, the English label.
PRIORITY_INPUTS = {
    **{fold(str(value)): value for value in Task.Priority.values},
    **{fold(label): value for value, label in PRIORITY_LABELS.items()},
    "khan cap": Task.Priority.URGENT,
    "thuong": Task.Priority.NORMAL,
}
MAX_LENGTHS = {"code": 40, "title": 500, "expected_output": 500}
MAX_WEIGHT = Decimal("9999.99")


@dataclass
class ImportResult(xlsx.ImportResult[Task]):
    """The tasks created, or the rows' errors with no task created."""

    @property
    def tasks(self) -> list[Task]:
        return self.created


@dataclass
class _NewTask:
    row: int
    code: str
    title: str
    area: ContentArea
    lead_unit_id: int
    cooperating_ids: list[int]
    deadline: datetime.date
    expected_output: str
    priority: str
    weight: Decimal
    description: str
    parent_code: str | None  # a task earlier in the file
    parent_id: int | None  # a task already in the plan


@transaction.atomic
def import_tasks(plan: Plan, *, actor: "User", upload: UploadedFile) -> ImportResult:
    """Create the tasks listed in an XLSX upload in `plan` (draft or issued), all or nothing.
    Writes one "plans.import_tasks" event with the count.

    Refuses (ValidationError) a file that is not a valid .xlsx within the size limit, lacks a
    required column, has no rows or more than MAX_ROWS. Returns the rows' errors, with nothing
    created, when any cell is wrong: a missing required cell, an unknown area, a unit that is
    not a current unit the actor sees, a deadline that does not parse or falls before the
    plan's date, a code already in the plan or repeated in the file, a weight that is not a
    positive number, an unknown priority, a parent that is neither in the plan nor earlier in
    the file, a text too long.
    """
    checked = check_workbook_upload(upload)
    # MAX_ROWS is read here, at call time, so a test can lower it on this module.
    rows = xlsx.read_rows(upload, name=checked.original_name, columns=COLUMNS, max_rows=MAX_ROWS)
    if not rows:
        raise ValidationError(_("The file has no task rows."))
    new_tasks, errors = _validate(plan, rows, actor=actor)
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    tasks = _create(plan, new_tasks)
    audit.record(
        actor,
        "plans.import_tasks",
        plan,
        unit=plan.unit,
        details={"count": len(tasks), "file": checked.original_name, "sha256": checked.sha256},
    )
    return ImportResult(rows=len(rows), created=tasks)


# --- checking --------------------------------------------------------------------------------


@dataclass
class _Lookups:
    areas: dict[str, ContentArea]
    units: dict[str, int]  # code → id of a current unit the actor sees
    plan_codes: dict[str, int]  # code → id of a task already in the plan
    file_codes: set[str]

    @classmethod
    def load(cls, plan: Plan, rows: list[Row], *, actor: "User") -> "_Lookups":
        codes: set[str] = set()
        for _number, values in rows:
            codes.add(cell_text(values.get("lead_unit")))
            codes.update(_split_codes(values.get("cooperating_units")))
        codes.discard("")
        return cls(
            areas={area.code.upper(): area for area in ContentArea.objects.all()},
            units=_assignable_units(actor, codes),
            plan_codes=dict(plan.tasks.values_list("code", "id")),
            file_codes={cell_text(values.get("code")) for _number, values in rows},
        )


def _assignable_units(actor: "User", codes: set[str]) -> dict[str, int]:
    visible = OrgUnit.objects.visible_to(actor).current().filter(legacy=False)
    ordered = sorted(codes)
    found: dict[str, int] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        found.update(visible.filter(code__in=chunk).values_list("code", "id"))
    return found


def _split_codes(value: Any) -> list[str]:
    return [code.strip() for code in re.split(r"[;,\n]", cell_text(value)) if code.strip()]


def _validate(
    plan: Plan, rows: list[Row], *, actor: "User"
) -> tuple[list[_NewTask], list[RowError]]:
    checker = _RowChecker(plan, _Lookups.load(plan, rows, actor=actor))
    new_tasks = [task for number, values in rows if (task := checker.check(number, values))]
    return new_tasks, checker.errors


class _RowChecker:
    """Checks one row at a time, collecting every error; remembers the codes already seen."""

    def __init__(self, plan: Plan, lookups: _Lookups) -> None:
        self.plan = plan
        self.lookups = lookups
        self.start = plan.document_date or datetime.date(plan.year, 1, 1)
        self.seen: dict[str, int] = {}  # code → first row that used it
        self.errors: list[RowError] = []
        self.row = 0

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].label, message))

    def check(self, row: int, values: dict[str, Any]) -> _NewTask | None:
        self.row, before = row, len(self.errors)
        code = self.code(cell_text(values.get("code")))
        title = self.text(values, "title", required=True)
        area = self.area(cell_text(values.get("area")))
        lead_unit = self.lead_unit(cell_text(values.get("lead_unit")))
        cooperating = self.cooperating(values.get("cooperating_units"))
        deadline = self.deadline(values.get("deadline"))
        expected_output = self.text(values, "expected_output")
        priority = self.priority(cell_text(values.get("priority")))
        weight = self.weight(values.get("weight"))
        parent_code, parent_id = self.parent(cell_text(values.get("parent")), code)
        description = cell_text(values.get("description"))
        if len(self.errors) > before or area is None or lead_unit is None:
            return None
        if deadline is None or weight is None:
            return None
        return _NewTask(
            row=row,
            code=code,
            title=title,
            area=area,
            lead_unit_id=lead_unit,
            cooperating_ids=cooperating,
            deadline=deadline,
            expected_output=expected_output,
            priority=priority,
            weight=weight,
            description=description,
            parent_code=parent_code,
            parent_id=parent_id,
        )

    def text(self, values: dict[str, Any], key: str, *, required: bool = False) -> str:
        text = cell_text(values.get(key))
        if required and not text:
            self.error(key, _("This cell is required."))
        elif len(text) > MAX_LENGTHS.get(key, len(text)):
            self.error(
                key,
                _("At most %(max)s characters (%(n)s).")
                % {"max": MAX_LENGTHS[key], "n": len(text)},
            )
        return text

    def code(self, code: str) -> str:
        if not code:
            self.error("code", _("A task needs a code."))
        elif len(code) > MAX_LENGTHS["code"]:
            self.error("code", _("At most %(max)s characters.") % {"max": MAX_LENGTHS["code"]})
        elif code in self.lookups.plan_codes:
            self.error(
                "code", _("The code %(code)s is already used in this plan.") % {"code": code}
            )
        elif code in self.seen:
            self.error(
                "code",
                _("The code %(code)s is repeated: row %(row)s has it already.")
                % {"code": code, "row": self.seen[code]},
            )
        else:
            self.seen[code] = self.row
        return code

    def area(self, code: str) -> ContentArea | None:
        area = self.lookups.areas.get(code.upper())
        if not code:
            self.error("area", _("This cell is required."))
        elif area is None:
            self.error(
                "area",
                _("“%(code)s” is not a content area (use %(codes)s).")
                % {"code": code, "codes": ", ".join(a.code for a in self.lookups.areas.values())},
            )
        return area

    def unit(self, key: str, code: str) -> int | None:
        unit_id = self.lookups.units.get(code)
        if unit_id is None:
            # One message for unknown, ended and not-yours units, so codes cannot be probed.
            self.error(
                key,
                _("“%(code)s” is not the code of a current unit you can assign tasks to.")
                % {"code": code},
            )
        return unit_id

    def lead_unit(self, code: str) -> int | None:
        if not code:
            self.error("lead_unit", _("This cell is required."))
            return None
        return self.unit("lead_unit", code)

    def cooperating(self, value: Any) -> list[int]:
        found = [self.unit("cooperating_units", code) for code in _split_codes(value)]
        return list(dict.fromkeys(unit_id for unit_id in found if unit_id is not None))

    def deadline(self, value: Any) -> datetime.date | None:
        deadline = self._parse_deadline(value)
        if deadline is not None and deadline < self.start:
            self.error(
                "deadline",
                _("The deadline %(deadline)s is before the plan's date %(start)s.")
                % {"deadline": f"{deadline:%d/%m/%Y}", "start": f"{self.start:%d/%m/%Y}"},
            )
            return None
        return deadline

    def _parse_deadline(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            self.error("deadline", _("This cell is required."))
            return None
        try:
            return parse_deadline(text, year=self.plan.year)
        except ValidationError as error:
            self.error("deadline", " ".join(error.messages))
            return None

    def priority(self, text: str) -> str:
        if not text:
            return Task.Priority.NORMAL
        priority = PRIORITY_INPUTS.get(fold(text))
        if priority is None:
            self.error(
                "priority",
                _("“%(text)s” is not a priority (use %(choices)s).")
                % {"text": text, "choices": ", ".join(PRIORITY_LABELS.values())},
            )
            return Task.Priority.NORMAL
        return priority

    def weight(self, value: Any) -> Decimal | None:
        weight = cell_decimal(value)
        if weight is None:
            return Decimal("1")
        if not weight.is_finite() or weight <= 0 or weight > MAX_WEIGHT:
            self.error(
                "weight",
                _("The weight must be a positive number up to %(max)s (“%(text)s”).")
                % {"max": MAX_WEIGHT, "text": cell_text(value)},
            )
            return None
        return weight.quantize(Decimal("0.01"))

    def parent(self, code: str, own_code: str) -> tuple[str | None, int | None]:
        if not code:
            return None, None
        if code in self.seen and code != own_code:
            return code, None
        if code in self.lookups.plan_codes:
            return None, self.lookups.plan_codes[code]
        if code == own_code:
            message = _("A task cannot be its own parent.")
        elif code in self.lookups.file_codes:
            message = _("The parent %(code)s must come on an earlier row.") % {"code": code}
        else:
            message = _("No task %(code)s in this plan or earlier in the file.") % {"code": code}
        self.error("parent", message)
        return None, None


# --- writing ---------------------------------------------------------------------------------


def _create(plan: Plan, rows: list[_NewTask]) -> list[Task]:
    """Bulk-create the tasks, parents first (a parent in the file is on an earlier row), then
    their cooperating units in one more bulk insert."""
    created: dict[str, Task] = {}
    pending = rows
    while pending:
        ready = [r for r in pending if r.parent_code is None or r.parent_code in created]
        if not ready:  # pragma: no cover - excluded by the checks (parents come earlier)
            raise ValueError("Parent tasks could not be ordered.")
        tasks = Task.objects.bulk_create([_task(plan, r, created) for r in ready], batch_size=500)
        created.update(zip([r.code for r in ready], tasks, strict=True))
        done = {r.code for r in ready}
        pending = [r for r in pending if r.code not in done]
    through = Task.cooperating_units.through
    through.objects.bulk_create(
        [
            through(task_id=created[r.code].pk, orgunit_id=unit_id)
            for r in rows
            for unit_id in r.cooperating_ids
        ],
        batch_size=1000,
    )
    return [created[r.code] for r in rows]


def _task(plan: Plan, row: _NewTask, created: dict[str, Task]) -> Task:
    parent_id = created[row.parent_code].pk if row.parent_code else row.parent_id
    return Task(
        plan=plan,
        code=row.code,
        title=row.title,
        description=row.description,
        area=row.area,
        lead_unit_id=row.lead_unit_id,
        expected_output=row.expected_output,
        deadline=row.deadline,
        original_deadline=row.deadline,
        assigned_on=assignment_day(plan),
        priority=row.priority,
        weight=row.weight,
        parent_id=parent_id,
        source=Task.Source.PLAN,
    )
