from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background-job runners even when another app registered its own first.
        from . import jobs  # noqa: F401
