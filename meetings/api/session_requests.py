"""API: extraordinary-session requests. Each endpoint parses its input, calls one service and answers with
the request as it now is. Domain errors become 400 (naming the field), 403 or 409 in ``nrc.api``."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from committees.models import Body, Member, Role
from nrc.api import BoundedCharField, Router, StrictBooleanField, YearFilter
from nrc.datacache import CachedReadsMixin
from nrc.permissions import READ_ROLES, RolePermission, require_role

from ..models import SessionRequest, SessionRequestStatus, Urgency, Venue
from ..selectors.session_requests import (
    bodies_extraordinary_settings,
    session_request_get,
    session_request_list,
    session_request_queue,
    session_request_statistics,
)
from ..services.session_requests import (
    MAX_PROPOSED_SLOTS,
    SlotInput,
    body_allow_extraordinary,
    session_request_allowed_actions,
    session_request_convene,
    session_request_decline,
    session_request_paper_add,
    session_request_submit,
    session_request_withdraw,
)

# --- output -------------------------------------------------------------------------------------------------


class _BodyOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()


class _MemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    iso2 = serializers.CharField()
    name_en = serializers.CharField()


class _SlotOut(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class _MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.CharField(source="venue.name", allow_null=True)


class _PaperOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class _TransitionOut(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username")
    at = serializers.DateTimeField()
    note = serializers.CharField()


class SessionRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    body = _BodyOut()
    on_behalf_of = _MemberOut(allow_null=True, help_text="Null when the NATO Secretary General requested it.")
    requested_by = serializers.CharField(source="requested_by.username")
    grounds = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    status = serializers.ChoiceField(choices=SessionRequestStatus.choices)
    submitted_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    proposed_slots = _SlotOut(many=True)
    meeting = _MeetingOut(allow_null=True)
    allowed_actions = serializers.SerializerMethodField(
        help_text="What the calling user may do now: convened, declined, withdrawn."
    )

    def get_allowed_actions(self, obj) -> list[str]:
        return session_request_allowed_actions(request=obj, user=self.context["request"].user)


class SessionRequestDetailOut(SessionRequestOut):
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    papers = _PaperOut(many=True)
    transitions = _TransitionOut(many=True)


class QueueRowOut(serializers.Serializer):
    request = SessionRequestOut()
    age_seconds = serializers.SerializerMethodField()

    def get_age_seconds(self, row) -> int:
        return int(row.age.total_seconds())


class StatisticsOut(serializers.Serializer):
    year = serializers.IntegerField()
    convened = serializers.IntegerField()
    median_days = serializers.FloatField()
    longest_days = serializers.FloatField()


# --- input --------------------------------------------------------------------------------------------------


class _SlotIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SessionRequestIn(serializers.Serializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all())
    on_behalf_of = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        required=False,
        allow_null=True,
        help_text="A delegation: its own member (the default). The chair's office: null (the Secretary General).",
    )
    grounds = serializers.CharField(trim_whitespace=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    proposed_slots = _SlotIn(many=True, allow_empty=False, max_length=MAX_PROPOSED_SLOTS)


class ConveneIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), required=False, allow_null=True)
    title = BoundedCharField(required=False, allow_blank=True, default="", max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DeclineIn(serializers.Serializer):
    reasons = serializers.CharField()


class WithdrawIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequestPaperIn(serializers.Serializer):
    file = serializers.FileField()
    title = BoundedCharField(required=False, allow_blank=True, default="", max_length=300)


class AllowIn(serializers.Serializer):
    allows_extraordinary = StrictBooleanField()


class ExtraordinaryBodyOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    allows_extraordinary = serializers.BooleanField()


# --- views --------------------------------------------------------------------------------------------------


class SessionRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SessionRequestStatus.choices)
    body = django_filters.CharFilter(field_name="body__code", label="Body code")
    year = YearFilter(field_name="submitted_at", lookup_expr="year", label="Year submitted")

    class Meta:
        model = SessionRequest
        fields = ["status", "body", "year"]


@extend_schema_view(
    list=extend_schema(summary="Every request and its outcome (every role sees every request)"),
    retrieve=extend_schema(summary="One request with its papers and history", responses=SessionRequestDetailOut),
)
class SessionRequestViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    read_roles = READ_ROLES
    write_roles = (Role.DELEGATION, Role.CHAIR, Role.SECRETARIAT)
    serializer_class = SessionRequestOut
    filterset_class = SessionRequestFilter
    queryset = SessionRequest.objects.none()  # for the schema; get_queryset scopes to the user

    def get_queryset(self):
        return session_request_list(user=self.request.user)

    def get_object(self) -> SessionRequest:
        return session_request_get(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, obj: SessionRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = session_request_get(user=self.request.user, pk=obj.pk)
        return Response(SessionRequestDetailOut(fresh, context=self.get_serializer_context()).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(SessionRequestDetailOut(obj, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Request an extraordinary session",
        request=SessionRequestIn,
        responses={201: SessionRequestDetailOut, 400: OpenApiResponse(description="Names the field at fault.")},
    )
    def create(self, request):
        data = SessionRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        created = session_request_submit(
            body=v["body"],
            on_behalf_of=v.get("on_behalf_of"),
            grounds=v["grounds"],
            urgency=v["urgency"],
            slots=[SlotInput(starts_at=s["starts_at"], ends_at=s["ends_at"]) for s in v["proposed_slots"]],
            acting_user=request.user,
        )
        return self._detail(created, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Convene the session (creates the extraordinary meeting)",
        request=ConveneIn,
        responses=SessionRequestDetailOut,
    )
    @action(detail=True, methods=["post"])
    def convene(self, request, pk=None):
        obj = self.get_object()
        data = ConveneIn(data=request.data)
        data.is_valid(raise_exception=True)
        session_request_convene(request=obj, acting_user=request.user, **data.validated_data)
        return self._detail(obj)

    @extend_schema(summary="Decline the request, with reasons", request=DeclineIn, responses=SessionRequestDetailOut)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        obj = self.get_object()
        data = DeclineIn(data=request.data)
        data.is_valid(raise_exception=True)
        session_request_decline(request=obj, reasons=data.validated_data["reasons"], acting_user=request.user)
        return self._detail(obj)

    @extend_schema(
        summary="Withdraw the request (the requester only)", request=WithdrawIn, responses=SessionRequestDetailOut
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        obj = self.get_object()
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        session_request_withdraw(request=obj, note=data.validated_data["note"], acting_user=request.user)
        return self._detail(obj)

    @extend_schema(
        summary="Attach a paper (PDF, DOCX, ODT or text) to a pending request (the requester only)",
        request={"multipart/form-data": RequestPaperIn},
        responses={201: SessionRequestDetailOut},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def papers(self, request, pk=None):
        obj = self.get_object()
        data = RequestPaperIn(data=request.data)
        data.is_valid(raise_exception=True)
        session_request_paper_add(
            request=obj,
            upload=data.validated_data["file"],
            title=data.validated_data["title"],
            acting_user=request.user,
        )
        return self._detail(obj, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Requests awaiting a decision, oldest first, with their age", responses=QueueRowOut(many=True)
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def queue(self, request):
        require_role(request.user, Role.SECRETARIAT, Role.CHAIR)
        rows = session_request_queue(user=request.user)
        return Response(QueueRowOut(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Time from request to meeting, per year: median and longest", responses=StatisticsOut(many=True)
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def statistics(self, request):
        return Response(StatisticsOut(session_request_statistics(user=request.user), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Bodies and whether they allow extraordinary sessions"),
    retrieve=extend_schema(summary="One body's extraordinary-session setting"),
)
class ExtraordinaryBodyViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [RolePermission]
    serializer_class = ExtraordinaryBodyOut
    pagination_class = None
    queryset = Body.objects.none()

    def get_queryset(self):
        return bodies_extraordinary_settings(user=self.request.user)

    @extend_schema(
        summary="Allow or stop allowing extraordinary sessions (secretariat)",
        request=AllowIn,
        responses=ExtraordinaryBodyOut,
    )
    @action(detail=True, methods=["post"], url_path="allow")
    def allow(self, request, pk=None):
        body = get_object_or_404(self.get_queryset(), pk=pk)
        data = AllowIn(data=request.data)
        data.is_valid(raise_exception=True)
        updated = body_allow_extraordinary(
            body=body, allowed=data.validated_data["allows_extraordinary"], acting_user=request.user
        )
        return Response(ExtraordinaryBodyOut(updated).data)


router = Router()
router.register("session-requests", SessionRequestViewSet, basename="session-request")
router.register("extraordinary-bodies", ExtraordinaryBodyViewSet, basename="extraordinary-body")

urlpatterns = router.urls
