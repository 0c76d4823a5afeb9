from django.urls import path

from cchc.plans.views import excel, months, notifications, pages

app_name = "plans"
urlpatterns = [
    # pages.py
    path("", pages.plan_list, name="plan_list"),
    path("new/", pages.plan_create, name="plan_create"),
    path("<int:pk>/", pages.plan_detail, name="plan_detail"),
    path("<int:pk>/issue/", pages.plan_issue, name="plan_issue"),
    path("<int:pk>/copy/", pages.plan_copy, name="plan_copy"),
    path("<int:pk>/document/", pages.plan_attachment, name="plan_attachment"),
    path("<int:pk>/tasks/new/", pages.task_create, name="task_create"),
    path("tasks/<int:pk>/", pages.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", pages.task_edit, name="task_edit"),
    path("tasks/<int:pk>/cancel/", pages.task_cancel, name="task_cancel"),
    path("tasks/<int:pk>/assign/", pages.task_assign, name="task_assign"),
    path("tasks/<int:pk>/report/", pages.report_create, name="report_create"),
    path("tasks/<int:pk>/extension/", pages.extension_create, name="extension_create"),
    path("reports/<int:pk>/accept/", pages.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", pages.report_return, name="report_return"),
    path("extensions/<int:pk>/decide/", pages.extension_decide, name="extension_decide"),
    path("evidence/<int:pk>/", pages.evidence_download, name="evidence"),
    path("workspace/", pages.workspace, name="workspace"),
    # notifications.py
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notification_read, name="notifications_read"),
    # months.py
    path("months/", months.month_list, name="months"),
    path("months/<int:pk>/reopen/", months.month_reopen, name="month_reopen"),
    # excel.py
    path("<int:pk>/import/", excel.plan_import, name="plan_import"),
    path("<int:pk>/import/template.xlsx", excel.import_template, name="import_template"),
    path("<int:pk>/import/errors.xlsx", excel.import_errors, name="import_errors"),
    path("<int:pk>/tasks.xlsx", excel.plan_tasks_xlsx, name="plan_tasks_xlsx"),
    path("tasks.xlsx", excel.tasks_xlsx, name="tasks_xlsx"),
]
