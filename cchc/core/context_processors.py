import functools
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The modules that exist today. A module appears here when it ships, so the menu has no dead
# links. Items in a menu are grouped under it so the bar fits a laptop's width; an empty menu is
# not shown.
NAVIGATION: list[tuple[str, Any, str, str | None]] = [
    # (url name, label, icon, menu: None for the bar itself, or a key of MENUS)
    ("reports:home", _("Overview"), "speedometer2", None),
    ("plans:workspace", _("My tasks"), "list-check", None),
    ("plans:plan_list", _("Plans"), "journal-check", None),
    ("orgunits:tree", _("Units"), "diagram-3", None),
    ("reports:briefing_list", _("Monthly briefing"), "bar-chart-line", None),
    ("reports:periodic_list", _("Periodic reports"), "file-earmark-text", None),
    ("ratings:index", _("Ratings"), "award", "evaluation"),
    (
        "indices:frameworks",
        pgettext_lazy("navigation", "Reform index"),
        "clipboard-data",
        "evaluation",
    ),
    ("surveys:campaigns", _("Satisfaction surveys"), "ui-checks", "evaluation"),
    ("services:index", _("Service index (Decision 766)"), "speedometer", "evaluation"),
    ("inspections:list", _("Public-duty inspections"), "clipboard2-check", "oversight"),
    ("dialogues:petitions", _("Dialogues"), "chat-square-text", "oversight"),
    ("procedures:list", _("Administrative procedures"), "file-earmark-text", "programme"),
    ("staffing:summary", _("Headcount"), "person-badge", "programme"),
    ("composites:list", _("Composite indices"), "bar-chart-steps", "admin"),
    ("plans:months", _("Month close"), "lock", "admin"),
    ("accounts:users", _("Users"), "people", "admin"),
    ("core:audit_log", _("Audit log"), "journal-text", "admin"),
    ("core:dead_letters", _("Failed jobs"), "arrow-repeat", "admin"),
]
# (key, label, icon, city administrators only)
MENUS: list[tuple[str, Any, str, bool]] = [
    ("evaluation", _("Evaluation"), "clipboard-data", False),
    ("oversight", _("Oversight"), "shield-check", False),
    ("programme", pgettext_lazy("navigation", "Areas"), "diagram-2", False),
    ("admin", _("Administration"), "gear", True),
]


@functools.cache
def _entries(is_admin: bool) -> tuple[tuple[str, Any, str, str | None], ...]:
    """The menu a user sees: (URL, label, icon, menu) of each item, reversed once a process."""
    admin_only = {key for key, _label, _icon, admin in MENUS if admin}
    return tuple(
        (reverse(name), label, icon, menu)
        for name, label, icon, menu in NAVIGATION
        if is_admin or menu not in admin_only
    )


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu's items and `nav_key`, which names the rendered menu: base.html keeps the menu's
    HTML per language and key (a page's rendering cost about a millisecond less)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_top": [], "nav_menus": [], "nav_key": ""}
    is_admin = bool(getattr(user, "is_city_admin", False))
    items = [
        {"url": url, "label": label, "icon": icon, "active": False, "menu": menu}
        for url, label, icon, menu in _entries(is_admin)
    ]
    # The item whose URL is the longest prefix of the page's path is the current one.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    active = max(matches, key=lambda item: len(item["url"])) if matches else None
    if active is not None:
        active["active"] = True
    menus = []
    for key, label, icon, _admin in MENUS:
        inside = [i for i in items if i["menu"] == key]
        if inside:
            active_menu = any(i["active"] for i in inside)
            menus.append(
                {"key": key, "label": label, "icon": icon, "items": inside, "active": active_menu}
            )
    return {
        "nav_items": items,
        "nav_top": [i for i in items if i["menu"] is None],
        "nav_menus": menus,
        "nav_key": f"{int(is_admin)}:{active['url'] if active else ''}",
    }
