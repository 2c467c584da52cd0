from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background-job runners even when another app registered its own first; keep the stored
        # compliance grid in step with the meeting services (meetings does not import the apps below it).
        from meetings.services.scheduling import MEETINGS_WRITTEN

        from . import jobs  # noqa: F401
        from .cells import meetings_written

        if meetings_written not in MEETINGS_WRITTEN:
            MEETINGS_WRITTEN.append(meetings_written)
