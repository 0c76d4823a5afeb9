from typing import Any

import factory

from cchc.core.text import fold
from cchc.orgunits.models import OrgUnit


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = OrgUnit.Kind.WARD
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    short_name = factory.LazyAttribute(lambda o: o.name.split(" ", 1)[-1])
    parent = None

    @classmethod
    def _create(cls, model_class: type[OrgUnit], *args: Any, **kwargs: Any) -> OrgUnit:
        unit = model_class(*args, **kwargs)
        unit.search_name = fold(f"{unit.name} {unit.short_name}")
        unit.path = unit.compute_path()
        unit.depth = unit.path.count("/") - 2
        unit.save()
        return unit
