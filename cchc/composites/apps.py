from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompositesConfig(AppConfig):
    name = "cchc.composites"
    label = "composites"
    verbose_name = _("Composite indices")
