"""Who may see and do what with index frameworks: every member reads them; city administrators
import, publish and copy them."""

from typing import Any

from django.http import Http404

from cchc.indices.models import Framework


def can_manage_frameworks(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)


def get_framework_for_user(user: Any, pk: int) -> Framework:
    """The framework (every member may read it); 404 when it does not exist."""
    framework = (
        Framework.objects.select_related("published_by", "copied_from").filter(pk=pk).first()
    )
    if framework is None:
        raise Http404
    return framework
