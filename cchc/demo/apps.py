from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Hà Nội demo data (manage.py seed_demo), built through every app's actions."""

    name = "cchc.demo"
    label = "demo"
    verbose_name = "Demo data"
