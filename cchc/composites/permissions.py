"""Who may see and run composite indices: city administrators only (the views are marked
`city_admin`); anyone else gets 404 for a record, the same answer as for no such record."""

from typing import Any

from django.http import Http404

from cchc.composites.models import CompositeIndex, CompositeRun


def can_manage_composites(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_city_admin)


def get_index_for_user(user: Any, pk: int) -> CompositeIndex:
    index = CompositeIndex.objects.for_user(user).filter(pk=pk).first()
    if index is None:
        raise Http404
    return index


def get_run_for_user(user: Any, index_pk: int, pk: int) -> CompositeRun:
    run = (
        CompositeRun.objects.for_user(user)
        .select_related("index")
        .filter(pk=pk, index_id=index_pk)
        .first()
    )
    if run is None:
        raise Http404
    return run
