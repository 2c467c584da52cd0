from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NrcConfig(AppConfig):
    name = "nrc"
    verbose_name = _("NRC platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import audit_jobs  # noqa: F401  (registers the audit export job)
        from .datacache import watch_writes

        connection_created.connect(watch_writes, dispatch_uid="nrc.datacache.watch_writes")
