from django.contrib import admin

from .models import (
    AgendaItem,
    Attendance,
    ImplementationIssue,
    JointDecision,
    Meeting,
    MeetingSeries,
    Minutes,
    Paper,
    SessionRequest,
    Venue,
)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "capacity"]
    search_fields = ["name"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "kind", "status", "starts_at", "venue"]
    list_filter = ["kind", "status", "body"]
    list_select_related = ["body", "venue"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
    raw_id_fields = ["series"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "first_starts_at", "rrule"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "body", "year", "classification", "language"]
    list_filter = ["classification", "language", "year"]
    raw_id_fields = ["meeting", "session_request"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "member", "status"]
    raw_id_fields = ["meeting"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "status", "approved_at"]
    raw_id_fields = ["meeting"]


@admin.register(SessionRequest)
class SessionRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "body", "on_behalf_of", "status", "submitted_at"]
    list_filter = ["status", "body"]
    raw_id_fields = ["meeting"]


@admin.register(JointDecision)
class JointDecisionAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "method", "status", "adopted_at"]
    list_filter = ["method", "status"]
    raw_id_fields = ["meeting"]


@admin.register(ImplementationIssue)
class ImplementationIssueAdmin(admin.ModelAdmin):
    list_display = ["title", "decision", "member", "status"]
    list_filter = ["status"]
