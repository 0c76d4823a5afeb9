import datetime

from cchc.plans.actions import create_plan, create_task, issue_plan
from cchc.plans.models import ContentArea, Plan, Task


def issued_city_plan(city, actor, *, year: int = 2026) -> Plan:
    """An issued city plan dated 05/01/<year>, through the actions."""
    plan = create_plan(actor=actor, unit=city, year=year, title=f"Kế hoạch CCHC năm {year}")
    return issue_plan(
        plan,
        actor=actor,
        document_number=f"01/KH-UBND-{year}",
        document_date=datetime.date(year, 1, 5),
        signer="Chủ tịch UBND Thành phố",
    )


def task_in(
    plan: Plan,
    unit,
    actor,
    *,
    code: str = "T1",
    deadline: datetime.date = datetime.date(2026, 3, 31),
    **extra,
) -> Task:
    return create_task(
        plan,
        actor=actor,
        code=code,
        title=extra.pop("title", f"Nhiệm vụ {code}"),
        area=extra.pop("area", ContentArea.objects.get(code="TTHC")),
        lead_unit=unit,
        deadline=deadline,
        **extra,
    )
