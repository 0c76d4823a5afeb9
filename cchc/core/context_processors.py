from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The modules that exist today. A module appears here when it ships, so the menu has no dead
# links; the home page lists the ones still to come as plain text.
NAVIGATION: list[tuple[str, Any, str, bool]] = [
    # (url name, label, icon, city administrators only)
    ("reports:home", _("Overview"), "speedometer2", False),
    ("plans:workspace", _("My tasks"), "list-check", False),
    ("plans:plan_list", _("Plans"), "journal-check", False),
    ("orgunits:tree", _("Units"), "diagram-3", False),
    ("reports:briefing_list", _("Monthly briefing"), "bar-chart-line", False),
    ("ratings:index", _("Ratings"), "award", False),
    ("indices:frameworks", pgettext_lazy("navigation", "Reform index"), "clipboard-data", False),
    ("plans:months", _("Month close"), "lock", True),
    ("accounts:users", _("Users"), "people", True),
    ("core:audit_log", _("Audit log"), "journal-text", True),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_admin_items": [], "nav_admin_active": False}
    is_admin = getattr(user, "is_city_admin", False)
    items = [
        {"url": reverse(name), "label": label, "icon": icon, "active": False, "admin": admin_only}
        for name, label, icon, admin_only in NAVIGATION
        if is_admin or not admin_only
    ]
    # The item whose URL is the longest prefix of the page's path is the current one.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    # City administrators' tools go in one "Administration" menu, so the bar fits a laptop.
    return {
        "nav_items": [i for i in items if not i["admin"]],
        "nav_admin_items": [i for i in items if i["admin"]],
        "nav_admin_active": any(i["active"] for i in items if i["admin"]),
    }
