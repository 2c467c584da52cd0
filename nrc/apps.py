from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NrcConfig(AppConfig):
    name = "nrc"
    verbose_name = _("NRC platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import audit_jobs  # noqa: F401  (registers the audit export job)
