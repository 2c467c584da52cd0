"""Read-only admin views: waivers, flags and issued reports change only through the services (and their audit
trail), never by hand in the admin."""

from django.contrib import admin

from .models import Flag, FlagEvent, IssuedReport, Waiver


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "status", "decided_at"]
    list_filter = ["status", "kind"]


class FlagEventInline(admin.TabularInline):
    model = FlagEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "verdict", "held", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ["body", "period", "period_start", "verdict", "state", "held", "required"]
    list_filter = ["state", "verdict", "period"]
    list_select_related = ["body"]
    inlines = [FlagEventInline]


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "issued_at", "issued_by", "evaluated_at", "sha256"]
    exclude = ["content"]
