"""Every change to plans and tasks. A package because the module grew past ~600 lines:
plans.py (plans and tasks), progress.py (reports, reviews, extensions); later modules add
month.py (month close) and reminders.py. Import from here: `from cchc.plans.actions import …`."""

from cchc.plans.actions.imports import ImportResult, RowError, import_tasks
from cchc.plans.actions.month import close_month, reopen_month
from cchc.plans.actions.plans import (
    assign_task_to_units,
    cancel_task,
    copy_plan,
    create_plan,
    create_task,
    issue_plan,
    parse_deadline,
    update_task,
)
from cchc.plans.actions.progress import (
    accept_report,
    complete_task,
    decide_extension,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.actions.reminders import ReminderCounts, mark_notifications_read, send_reminders

__all__ = [
    "ImportResult",
    "ReminderCounts",
    "RowError",
    "accept_report",
    "assign_task_to_units",
    "cancel_task",
    "close_month",
    "complete_task",
    "copy_plan",
    "create_plan",
    "create_task",
    "decide_extension",
    "import_tasks",
    "issue_plan",
    "mark_notifications_read",
    "parse_deadline",
    "reopen_month",
    "request_extension",
    "return_report",
    "send_reminders",
    "submit_report",
    "update_task",
]
