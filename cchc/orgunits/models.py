"""The tree of organisation units, with effective dates and successors across mergers."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models.lookups import StartsWith
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership
from cchc.core.text import fold

if TYPE_CHECKING:
    from cchc.accounts.models import User


def own_unit_paths(user: "User | Any") -> set[str]:
    """The paths of the units in which `user` holds a role (OrgUnitQuerySet.own_units_of), read
    from the user's cached roles: no query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {path for path, _role in user.unit_roles}


class Subtree(models.Lookup):
    """`path__subtree="/01/00004/"`: the unit of that path and every unit below it, the
    subtree test of every scoping rule. PostgreSQL runs it as `path__startswith` (LIKE, served
    by the path's pattern index); SQLite cannot use an index for Django's `LIKE … ESCAPE` and
    would read all 17,000 paths on each test, so there it is the equivalent range
    `path >= prefix AND path < prefix with its last character's successor` (SQLite compares
    text byte-wise, and UTF-8 keeps code point order)."""

    lookup_name = "subtree"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not isinstance(self.rhs, str) or not self.rhs:
            return self.as_sql(compiler, connection)
        column, params = self.process_lhs(compiler, connection)
        successor = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({column} >= %s AND {column} < %s)", (*params, self.rhs, *params, successor)


def viewer_paths(user: "User | Any") -> set[str]:
    """The paths of the units in which `user` holds the viewer role, from the cached roles."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {path for path, role in user.unit_roles if role == Membership.Role.VIEWER}


def in_subtrees(paths: Iterable[str], field: str = "path") -> models.Q:
    """`field` (a unit's path) in the subtree of one of `paths`: the filter every scoping rule
    builds from a user's units. None of them: matches nothing."""
    condition = models.Q(pk__in=[])
    for path in paths:
        condition |= models.Q(**{f"{field}__subtree": path})
    return condition


def visible(user: "User | Any", field: str = "path") -> models.Q:
    """OrgUnitQuerySet.visible_to as a filter on `field`, a unit's path, of any model (a task's
    `lead_unit__path`): every unit for city administrators, the subtree of each unit of a
    membership for anyone else, none for anonymous or inactive users. A list that joins the
    unit anyway filters on that join; `unit__in=visible_to(user)` would add the units table a
    second time as a subquery, which PostgreSQL plans in about three times as long (issue #16)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return models.Q(pk__in=[])
    if user.is_city_admin:
        return models.Q()
    return in_subtrees(own_unit_paths(user), field)


def own_or_viewed(user: "User | Any", field: str = "unit__path") -> models.Q:
    """The own-unit rule as a filter on `field` (a unit's path), widened for viewers: the units
    in which `user` holds a role, and the whole subtree of each unit they view. A viewer reads
    what their subtree has (a city viewer: the city's campaigns and self-assessments) and acts
    on nothing (decision 0025)."""
    own = models.Q(**{f"{field}__in": own_unit_paths(user)})
    return own | in_subtrees(viewer_paths(user), field)


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def current(self) -> "OrgUnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def subtree_of(self, unit: "OrgUnit") -> "OrgUnitQuerySet":
        return self.filter(path__subtree=unit.path)

    def in_home_province(self) -> "OrgUnitQuerySet":
        """The province this installation serves (CCHC_HOME_PROVINCE) and its units: what a
        unit picker offers, rather than the country's 10,000 communes."""
        return self.filter(path__subtree=f"/{settings.CCHC_HOME_PROVINCE}/")

    def visible_to(self, user: "User | Any") -> "OrgUnitQuerySet":
        """The one place that decides which units a user sees (its rule is `visible`, which
        also filters other models on a unit's path).

        City administrators see every unit; any other member sees the subtree of each unit
        in which they hold a membership; anonymous users see none.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(visible(user))

    def own_units_of(self, user: "User | Any") -> "OrgUnitQuerySet":
        """The second scoping rule, beside visible_to: the units in which `user` holds a role
        themselves, without their sub-units. It serves where a unit must not see its
        sub-units' own work: a self-assessment of the reform index, a survey's entries and
        results (docs/decisions/0025). City administrators are no exception here (they see
        the rest through visible_to); anonymous and inactive users: none."""
        return self.filter(path__in=own_unit_paths(user))

    def search(self, text: str) -> "OrgUnitQuerySet":
        folded = fold(text)
        return self.filter(models.Q(search_name__contains=folded) | models.Q(code=text.strip()))


class OrgUnit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province / centrally-run city")
        DEPARTMENT = "department", _("Department / agency")
        PUBLIC_SERVICE = "public_service", _("Public service unit")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        SPECIAL_ZONE = "special_zone", _("Special zone")
        DISTRICT = "district", _("District (before 07/2025)")
        TOWNSHIP = "township", _("Township (before 07/2025)")

    LOWER_KINDS = (Kind.WARD, Kind.COMMUNE, Kind.SPECIAL_ZONE)

    code = models.CharField(_("code"), max_length=32)
    legacy = models.BooleanField(
        _("pre-2025 code"),
        default=False,
        help_text=_("The code belongs to the three-tier system in force before 01/07/2025."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    # fold(name + " " + short_name): 200 + 1 + 120 characters at most.
    search_name = models.CharField(max_length=321, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/01/00004/"): a unit's subtree is path__subtree=its path.
    path = models.CharField(max_length=255, unique=True, editable=False)
    path.register_lookup(Subtree)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["code", "legacy"], name="orgunits_code_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="orgunits_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgunits:detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        """The kind's label; cheaper than get_kind_display() on pages that list many units."""
        return str(OrgUnit.Kind(self.kind).label)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @staticmethod
    def path_segment(code: str, legacy: bool) -> str:
        return f"~{code}" if legacy else code

    def compute_path(self) -> str:
        base = self.parent.path if self.parent_id and self.parent else "/"
        return f"{base}{self.path_segment(self.code, self.legacy)}/"

    def is_visible_to(self, user: "User | Any") -> bool:
        """The same rule as OrgUnitQuerySet.visible_to, for one unit already loaded."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_city_admin or any(
            self.path.startswith(path) for path, _role in user.unit_roles
        )

    def ancestors(self) -> "OrgUnitQuerySet":
        prefixes = []
        parts = self.path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            prefixes.append("/" + "/".join(parts[:i]) + "/")
        return OrgUnit.objects.filter(path__in=prefixes).order_by("depth")


class UnitScopedQuerySet[M: models.Model](models.QuerySet[M]):
    """The `for_user` of the records that belong to one unit (a `unit` foreign key): a city
    administrator sees all, anyone else the records of the units they see
    (OrgUnit.objects.visible_to: their units' subtrees), anonymous and inactive users none."""

    def for_user(self, user: "User | Any") -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_city_admin:
            return self.all()
        return self.filter(unit__in=OrgUnit.objects.visible_to(user))
