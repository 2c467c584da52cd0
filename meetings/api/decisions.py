"""API: joint decisions, silence procedures, reservations and implementation issues."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from committees.models import Body, Role
from cooperation.models import CooperationArea
from nrc.api import BoundedCharField, Router, filter_form_matches
from nrc.datacache import CachedReadsMixin
from nrc.permissions import READ_ROLES, RolePermission

from ..forms.decisions import DecisionFilterForm
from ..models import (
    DecisionMethod,
    DecisionStatus,
    ImplementationIssue,
    IssueAnswer,
    IssueStatus,
    JointDecision,
    Reservation,
    SilenceBreak,
)
from ..selectors import meetings_visible_to
from ..selectors.decisions import decision_get, decision_list, issue_get, issue_list
from ..services.decisions import (
    decision_record,
    issue_answer,
    issue_put_on_agenda,
    issue_raise,
    issue_status_change,
    reservation_enter,
    silence_break,
)

DELEGATION_ACTIONS = {"break_silence", "reservations", "issues"}


class SilenceBreakSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = SilenceBreak
        fields = ["id", "member", "statement", "broken_at"]
        read_only_fields = fields


class ReservationSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(slug_field="iso2", read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "member", "text", "entered_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="meeting.body.code", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = JointDecision
        fields = [
            "id",
            "reference",
            "title",
            "text",
            "meeting",
            "body",
            "areas",
            "method",
            "status",
            "silence_deadline",
            "adopted_at",
            "recorded_at",
        ]
        read_only_fields = fields


class DecisionDetailSerializer(DecisionSerializer):
    silence_breaks = SilenceBreakSerializer(many=True, read_only=True)
    reservations = ReservationSerializer(many=True, read_only=True)
    establishes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "silence_breaks", "reservations", "establishes"]
        read_only_fields = fields


class DecisionInputSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    reference = BoundedCharField(max_length=64)
    title = BoundedCharField(max_length=300)
    text = serializers.CharField()
    areas = serializers.SlugRelatedField(
        slug_field="code", queryset=CooperationArea.objects.all(), many=True, required=False, default=list
    )
    method = serializers.ChoiceField(choices=DecisionMethod.choices, default=DecisionMethod.CONSENSUS)
    silence_deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)
    establishes = serializers.SlugRelatedField(
        slug_field="code", queryset=Body.objects.all(), many=True, required=False, default=list
    )


class StatementSerializer(serializers.Serializer):
    statement = serializers.CharField()


class ReservationInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class AgendaItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    position = serializers.IntegerField()
    title = serializers.CharField()
    implementation_issue = serializers.IntegerField(source="implementation_issue_id")


class IssueSerializer(serializers.ModelSerializer):
    decision = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    member = serializers.SlugRelatedField(slug_field="iso2", read_only=True)
    agenda_items = AgendaItemOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ImplementationIssue
        fields = ["id", "decision", "member", "title", "description", "status", "raised_at", "agenda_items"]
        read_only_fields = fields


class IssueAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = IssueAnswer
        fields = ["id", "text", "at"]
        read_only_fields = fields


class IssueDetailSerializer(IssueSerializer):
    answers = IssueAnswerSerializer(many=True, read_only=True)

    class Meta(IssueSerializer.Meta):
        fields = [*IssueSerializer.Meta.fields, "answers"]
        read_only_fields = fields


class IssueRaiseInputSerializer(serializers.Serializer):
    title = BoundedCharField(max_length=300)
    description = serializers.CharField()
    member = serializers.CharField(
        required=False, help_text="ISO 3166 alpha-2 code of the member; a delegation may only give its own."
    )


class IssueAnswerInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=IssueStatus.choices, required=False, allow_null=True, default=None)


class IssueStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IssueStatus.choices)


class IssueAgendaInputSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()


def _member_for(request, iso2: str | None):
    """The member a delegation speaks for: its own unless it names another (refused by the service)."""
    from committees.models import Member

    if not iso2:
        return request.user.member
    member = Member.objects.filter(iso2=iso2.upper()).first()
    if member is None:
        raise serializers.ValidationError({"member": ["No member has this code."]})
    return member


class DelegationActionsMixin:
    @property
    def write_roles(self):
        if getattr(self, "action", None) in DELEGATION_ACTIONS:
            return (Role.DELEGATION,)
        return (Role.SECRETARIAT,)

    read_roles = READ_ROLES


class DecisionViewSet(CachedReadsMixin, DelegationActionsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DecisionSerializer
    permission_classes = [RolePermission]
    filter_backends: list = []

    def get_queryset(self):
        form = DecisionFilterForm(self.request.query_params)
        if not filter_form_matches(form):  # a body id or an area code that names nothing: no decision
            return JointDecision.objects.none()
        return decision_list(user=self.request.user, **form.selector_kwargs())

    def get_serializer_class(self):
        return DecisionDetailSerializer if self.action != "list" else DecisionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Full-text search over decisions, agenda items and minutes"),
            OpenApiParameter("area", str, description="Co-operation area code"),
            OpenApiParameter("body", int, description="Body id"),
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2002, "maximum": 2100}, description="Year of the meeting"
            ),
            OpenApiParameter("status", str, enum=DecisionStatus.values),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        obj = decision_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionDetailSerializer})
    def create(self, request):
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = meetings_visible_to(request.user).filter(pk=values.pop("meeting")).first()
        if meeting is None:
            raise serializers.ValidationError({"meeting": ["No such meeting."]})
        decision = decision_record(meeting=meeting, acting_user=request.user, **values)
        return Response(
            DecisionDetailSerializer(decision_get(user=request.user, pk=decision.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=StatementSerializer, responses={201: SilenceBreakSerializer})
    @action(detail=True, methods=["post"], url_path="break-silence")
    def break_silence(self, request, pk=None):
        decision = self.get_object()
        data = StatementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        brk = silence_break(
            decision=decision,
            member=request.user.member,
            statement=data.validated_data["statement"],
            acting_user=request.user,
        )
        return Response(SilenceBreakSerializer(brk).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReservationInputSerializer, responses={201: ReservationSerializer})
    @action(detail=True, methods=["post"])
    def reservations(self, request, pk=None):
        decision = self.get_object()
        data = ReservationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reservation = reservation_enter(
            decision=decision, member=request.user.member, text=data.validated_data["text"], acting_user=request.user
        )
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IssueRaiseInputSerializer, responses={201: IssueDetailSerializer})
    @action(detail=True, methods=["post"])
    def issues(self, request, pk=None):
        decision = self.get_object()
        data = IssueRaiseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = issue_raise(
            decision=decision,
            member=_member_for(request, data.validated_data.get("member")),
            title=data.validated_data["title"],
            description=data.validated_data["description"],
            acting_user=request.user,
        )
        return Response(IssueDetailSerializer(issue_get(user=request.user, pk=issue.pk)).data, status=201)


class IssueViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    """Every delegation sees every implementation issue."""

    serializer_class = IssueSerializer
    permission_classes = [RolePermission]
    filter_backends: list = []

    def get_queryset(self):
        status_filter = self.request.query_params.get("status")
        if status_filter and status_filter not in IssueStatus.values:
            raise serializers.ValidationError({"status": ["Unknown status."]})
        return issue_list(user=self.request.user, status=status_filter).prefetch_related("agenda_items")

    def get_serializer_class(self):
        return IssueDetailSerializer if self.action != "list" else IssueSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=IssueStatus.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_object(self):
        obj = issue_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj

    @extend_schema(request=IssueAnswerInputSerializer, responses={201: IssueDetailSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        issue = self.get_object()
        data = IssueAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue_answer(issue=issue, acting_user=request.user, **data.validated_data)
        return Response(IssueDetailSerializer(issue_get(user=request.user, pk=issue.pk)).data, status=201)

    @extend_schema(request=IssueStatusInputSerializer, responses={200: IssueDetailSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        issue = self.get_object()
        data = IssueStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue_status_change(issue=issue, status=data.validated_data["status"], acting_user=request.user)
        return Response(IssueDetailSerializer(issue_get(user=request.user, pk=issue.pk)).data)

    @extend_schema(request=IssueAgendaInputSerializer, responses={201: AgendaItemOutputSerializer})
    @action(detail=True, methods=["post"])
    def agenda(self, request, pk=None):
        issue = self.get_object()
        data = IssueAgendaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meetings_visible_to(request.user).filter(pk=data.validated_data["meeting"]).first()
        if meeting is None:
            raise serializers.ValidationError({"meeting": ["No such meeting."]})
        item = issue_put_on_agenda(issue=issue, meeting=meeting, acting_user=request.user)
        return Response(AgendaItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


router = Router()
router.register("decisions", DecisionViewSet, basename="decision")
router.register("implementation-issues", IssueViewSet, basename="implementation-issue")

urlpatterns = [path("", include(router.urls))]
