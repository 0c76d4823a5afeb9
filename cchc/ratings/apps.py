from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "cchc.ratings"
    label = "ratings"
    verbose_name = _("Ratings")

    def ready(self) -> None:
        # A closed month is rated in the same transaction (docs/decisions/0012).
        from cchc.plans.signals import month_closed
        from cchc.ratings.receivers import rate_closed_month

        month_closed.connect(rate_closed_month, dispatch_uid="ratings.rate_closed_month")
