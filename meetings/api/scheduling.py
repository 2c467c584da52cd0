"""API: scheduling. Meetings, series, agenda items, papers and attendance. Every role reads what it may see;
the secretariat writes (the chair's office may also cancel). Each write parses input, calls one service and
returns the result."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from committees.models import Body, Member, Role
from committees.selectors import bodies_visible_to
from cooperation.models import CooperationArea
from nrc.api import BoundedCharField, IntegerFilter, Router, StrictBooleanField, YearFilter
from nrc.datacache import CachedReadsMixin
from nrc.permissions import RolePermission

from ..models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Classification,
    ImplementationIssue,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Paper,
    PaperLanguage,
    Venue,
)
from ..selectors import meetings_visible_to
from ..selectors import scheduling as selectors
from ..services import scheduling as services

# --- output ----------------------------------------------------------------------------------------------------


class MeetingOut(serializers.ModelSerializer):
    body_code = serializers.CharField(source="body.code", read_only=True)
    venue_name = serializers.CharField(source="venue.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "body_code",
            "series",
            "kind",
            "status",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "venue_name",
            "chair",
            "notes",
            "cancellation_reason",
            "sequence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SeriesOut(serializers.ModelSerializer):
    body_code = serializers.CharField(source="body.code", read_only=True)

    class Meta:
        model = MeetingSeries
        fields = [
            "id",
            "body",
            "body_code",
            "title",
            "rrule",
            "first_starts_at",
            "duration",
            "time_zone",
            "venue",
            "created_at",
        ]
        read_only_fields = fields


class OccurrenceOut(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    invalid = serializers.CharField()
    conflict = serializers.CharField()
    warning = serializers.CharField()


class AgendaItemOut(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "position", "title", "description", "area", "area_code", "implementation_issue"]
        read_only_fields = fields


class PaperOut(serializers.ModelSerializer):
    body_code = serializers.CharField(source="body.code", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Paper
        fields = [
            "id",
            "meeting",
            "body",
            "body_code",
            "year",
            "reference",
            "title",
            "classification",
            "language",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, paper) -> str:
        return reverse("meetings:paper_download", args=[paper.pk])


class AttendanceOut(serializers.ModelSerializer):
    member_iso2 = serializers.CharField(source="member.iso2", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "member", "member_iso2", "status", "representative", "representation_level"]
        read_only_fields = fields


# --- input -----------------------------------------------------------------------------------------------------


class _ScopedMixin:
    """Foreign keys in input are looked up only among what the user may see."""

    def scoped(self):
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        if "body" in self.fields:
            self.fields["body"].queryset = bodies_visible_to(user)
        if "meeting" in self.fields:
            self.fields["meeting"].queryset = meetings_visible_to(user)


class MeetingIn(_ScopedMixin, serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.none())
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = BoundedCharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), allow_null=True, required=False)
    chair = BoundedCharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped()


class MeetingUpdateIn(serializers.Serializer):
    title = BoundedCharField(max_length=200)
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    chair = BoundedCharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    following = StrictBooleanField(default=False, help_text="Apply to the following occurrences too.")


class RescheduleIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), allow_null=True, required=False)
    reason = serializers.CharField()
    following = StrictBooleanField(default=False)


class CancelIn(serializers.Serializer):
    reason = serializers.CharField()
    following = StrictBooleanField(default=False)


class SeriesIn(_ScopedMixin, serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.none())
    kind = serializers.ChoiceField(choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = BoundedCharField(max_length=200)
    rrule = BoundedCharField(max_length=500, help_text="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=2TU;COUNT=12")
    starts_at = serializers.DateTimeField(help_text="Start of the first occurrence.")
    ends_at = serializers.DateTimeField(help_text="End of the first occurrence.")
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), allow_null=True, required=False)
    chair = BoundedCharField(max_length=200, required=False, allow_blank=True, default="")
    skip_conflicts = StrictBooleanField(default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped()


class AgendaItemIn(_ScopedMixin, serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    title = BoundedCharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    area = serializers.PrimaryKeyRelatedField(
        queryset=CooperationArea.objects.all(), allow_null=True, required=False, default=None
    )
    implementation_issue = serializers.PrimaryKeyRelatedField(
        queryset=ImplementationIssue.objects.all(), allow_null=True, required=False, default=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped()


class AgendaItemUpdateIn(serializers.Serializer):
    title = BoundedCharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    area = serializers.PrimaryKeyRelatedField(
        queryset=CooperationArea.objects.all(), allow_null=True, required=False, default=None
    )


class MoveIn(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class PaperIn(_ScopedMixin, serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none())
    reference = BoundedCharField(max_length=64)
    title = BoundedCharField(max_length=300)
    file = serializers.FileField()
    # A form cannot leave a field out, only send it empty: empty means the default, and the schema says so.
    classification = serializers.ChoiceField(
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
        allow_blank=True,
        help_text="Empty: NATO UNCLASSIFIED.",
    )
    language = serializers.ChoiceField(
        choices=PaperLanguage.choices, default=PaperLanguage.EN, allow_blank=True, help_text="Empty: en."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped()

    def validate_classification(self, value):
        return value or Classification.UNCLASSIFIED

    def validate_language(self, value):
        return value or PaperLanguage.EN


class AttendanceRowIn(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    representative = BoundedCharField(max_length=200, required=False, allow_blank=True, default="")
    representation_level = BoundedCharField(max_length=120, required=False, allow_blank=True, default="")


class AttendanceIn(serializers.Serializer):
    rows = AttendanceRowIn(many=True)


class CancelledOut(serializers.Serializer):
    cancelled = serializers.IntegerField()


def _valid(serializer_class, request, current: dict | None = None):
    """Validated input; ``current`` fills the fields a partial update leaves out."""
    data = request.data if current is None else {**current, **request.data}
    serializer = serializer_class(data=data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- endpoints -------------------------------------------------------------------------------------------------


class MeetingPartsFilter(django_filters.FilterSet):
    """The parts of one meeting: ``meeting`` is required, so that a list never counts or sorts the whole table
    (hundreds of thousands of agenda items, millions of attendance rows over 25 years)."""

    meeting = IntegerFilter(field_name="meeting_id", required=True, help_text="The meeting (required).")


class AgendaItemFilter(MeetingPartsFilter):
    class Meta:
        model = AgendaItem
        fields = ["meeting"]


class PaperFilter(MeetingPartsFilter):
    body = IntegerFilter(field_name="body_id", help_text="The issuing body.")
    year = YearFilter(help_text="The year of the paper.")
    classification = django_filters.ChoiceFilter(choices=Classification.choices)
    language = django_filters.ChoiceFilter(choices=PaperLanguage.choices)

    class Meta:
        model = Paper
        fields = ["meeting", "body", "year", "classification", "language"]


class AttendanceFilter(MeetingPartsFilter):
    member = IntegerFilter(field_name="member_id", help_text="The member.")
    status = django_filters.ChoiceFilter(choices=AttendanceStatus.choices)

    class Meta:
        model = Attendance
        fields = ["meeting", "member", "status"]


MEETING_FILTERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Meetings ending on or after this date (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Meetings starting on or before this date (YYYY-MM-DD)."),
]


@extend_schema_view(list=extend_schema(parameters=MEETING_FILTERS))
class MeetingViewSet(CachedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Meetings the user may see. Filters: body, level, area, member, status, kind, from, to."""

    serializer_class = MeetingOut
    permission_classes = [RolePermission]
    filterset_class = selectors.MeetingFilter

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def get_permissions(self):
        if self.action == "cancel":
            self.write_roles = (Role.SECRETARIAT, Role.CHAIR)
        return super().get_permissions()

    @extend_schema(request=MeetingIn, responses={201: MeetingOut})
    def create(self, request):
        data = _valid(MeetingIn, request)
        meeting = services.meeting_create(acting_user=request.user, **data)
        return Response(MeetingOut(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingUpdateIn, responses={200: MeetingOut(many=True)})
    def partial_update(self, request, pk=None):
        meeting = self.get_object()
        current = {"title": meeting.title, "kind": meeting.kind, "chair": meeting.chair, "notes": meeting.notes}
        data = _valid(MeetingUpdateIn, request, current=current)
        changed = services.meeting_update(meeting=meeting, acting_user=request.user, **data)
        return Response(MeetingOut(changed, many=True).data)

    @extend_schema(request=RescheduleIn, responses={200: MeetingOut(many=True)})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(RescheduleIn, request)
        data.setdefault("venue", None)
        changed = services.meeting_reschedule(meeting=meeting, acting_user=request.user, **data)
        return Response(MeetingOut(changed, many=True).data)

    @extend_schema(request=CancelIn, responses={200: MeetingOut(many=True)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(CancelIn, request)
        changed = services.meeting_cancel(meeting=meeting, acting_user=request.user, **data)
        return Response(MeetingOut(changed, many=True).data)

    @extend_schema(request=None, responses={200: MeetingOut})
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        meeting = services.meeting_mark_held(meeting=self.get_object(), acting_user=request.user)
        return Response(MeetingOut(meeting).data)

    @extend_schema(request=AttendanceIn, responses={200: AttendanceOut(many=True)})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        meeting = self.get_object()
        data = _valid(AttendanceIn, request)
        rows = [dict(row, member=row["member"].pk) for row in data["rows"]]
        result = services.attendance_record(meeting=meeting, rows=rows, acting_user=request.user)
        return Response(AttendanceOut(result, many=True).data)


class SeriesViewSet(CachedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SeriesOut
    permission_classes = [RolePermission]

    def get_queryset(self):
        return selectors.series_list(user=self.request.user).order_by("-first_starts_at", "id")

    @extend_schema(request=SeriesIn, responses={201: SeriesOut})
    def create(self, request):
        data = _valid(SeriesIn, request)
        data["first_starts_at"] = data.pop("starts_at")
        data.setdefault("venue", None)
        series = services.series_create(acting_user=request.user, **data)
        return Response(SeriesOut(series).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeriesIn, responses={200: OccurrenceOut(many=True)})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        data = _valid(SeriesIn, request)
        rows = selectors.series_preview(
            body=data["body"],
            rrule=data["rrule"],
            first_starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue=data.get("venue"),
        )
        return Response(OccurrenceOut(rows, many=True).data)

    @extend_schema(request=CancelIn, responses={200: CancelledOut})
    @action(detail=True, methods=["post"], url_path="cancel-rest")
    def cancel_rest(self, request, pk=None):
        data = _valid(CancelIn, request)
        n = services.series_cancel_rest(series=self.get_object(), reason=data["reason"], acting_user=request.user)
        return Response({"cancelled": n})


class AgendaItemViewSet(
    CachedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AgendaItemOut
    permission_classes = [RolePermission]
    filterset_class = AgendaItemFilter

    def get_queryset(self):
        return selectors.agenda_items_visible_to(self.request.user).order_by("meeting_id", "position")

    @extend_schema(request=AgendaItemIn, responses={201: AgendaItemOut})
    def create(self, request):
        data = _valid(AgendaItemIn, request)
        item = services.agenda_item_add(acting_user=request.user, **data)
        return Response(AgendaItemOut(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgendaItemUpdateIn, responses={200: AgendaItemOut})
    def partial_update(self, request, pk=None):
        data = _valid(AgendaItemUpdateIn, request)
        item = services.agenda_item_update(item=self.get_object(), acting_user=request.user, **data)
        return Response(AgendaItemOut(item).data)

    @extend_schema(request=MoveIn, responses={200: AgendaItemOut})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = _valid(MoveIn, request)
        item = services.agenda_item_move(item=self.get_object(), direction=data["direction"], acting_user=request.user)
        return Response(AgendaItemOut(item).data)

    def perform_destroy(self, instance):
        services.agenda_item_delete(item=instance, acting_user=self.request.user)


class PaperViewSet(
    CachedReadsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PaperOut
    permission_classes = [RolePermission]
    parser_classes = [MultiPartParser, FormParser]  # an upload
    filterset_class = PaperFilter

    def get_queryset(self):
        return selectors.papers_visible_to(self.request.user).order_by("-year", "reference", "id")

    @extend_schema(request={"multipart/form-data": PaperIn}, responses={201: PaperOut})
    def create(self, request):
        data = _valid(PaperIn, request)
        paper = services.paper_upload(acting_user=request.user, **data)
        return Response(PaperOut(paper).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.paper_delete(paper=instance, acting_user=self.request.user)


class AttendanceViewSet(CachedReadsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A meeting's attendance rows, by member id; record them with POST /meetings/{id}/attendance/."""

    serializer_class = AttendanceOut
    permission_classes = [RolePermission]
    filterset_class = AttendanceFilter

    def get_queryset(self):
        return selectors.attendance_visible_to(self.request.user).order_by("meeting_id", "member_id")


router = Router()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("series", SeriesViewSet, basename="series")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("papers", PaperViewSet, basename="paper")
router.register("attendance", AttendanceViewSet, basename="attendance")

urlpatterns = router.urls
