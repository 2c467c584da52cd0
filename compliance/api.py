"""API: the compliance grid, flags (acknowledge), waivers (propose, approve, reject, withdraw), issued reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from committees.models import Period, Role
from committees.selectors import bodies_visible_to
from nrc.api import BoundedCharField
from nrc.datacache import CachedReadsMixin
from nrc.permissions import RolePermission

from . import services
from .filters import FlagFilter
from .forms import GridFilterForm
from .models import Flag, FlagEvent, IssuedReport, Waiver
from .selectors import (
    COMPLIANCE_STAFF,
    cadence_grid,
    flag_list,
    grid_content,
    issued_reports_visible_to,
    waivers_visible_to,
)

GRID_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day of the range (default: 1 January two years ago)"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day of the range (default: the as-of day)"),
    OpenApiParameter(
        "body",
        OpenApiTypes.STR,
        many=True,
        description="Code of a body the user may see (400 otherwise); repeat for several; none: every body",
    ),
    OpenApiParameter("granularity", OpenApiTypes.STR, enum=["month", "quarter", "half_year", "year"]),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="Evaluate at the end of this day (default: now)"),
]


def _form_or_400(data, user) -> GridFilterForm:
    if isinstance(data, QueryDict):  # an empty value means "no filter" (``?body=``: every body)
        given = data
        data = QueryDict(mutable=True)
        for key in given:
            data.setlist(key, [value for value in given.getlist(key) if value != ""])
    form = GridFilterForm(data, user=user)
    if not form.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
    return form


class CellSerializer(serializers.Serializer):
    period = serializers.CharField()
    verdict = serializers.CharField()
    held = serializers.IntegerField()
    unconfirmed = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    required = serializers.IntegerField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    waiver = serializers.CharField(allow_blank=True)


class RowSerializer(serializers.Serializer):
    body = serializers.CharField()
    name = serializers.CharField()
    compliant = serializers.IntegerField()
    assessed = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    cells = CellSerializer(many=True)


class GridSerializer(serializers.Serializer):
    parameters = serializers.DictField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)


class GridView(CachedReadsMixin, APIView):
    """The body × period grid with a verdict per cell (every role; delegations see their bodies)."""

    permission_classes = [RolePermission]

    @extend_schema(parameters=GRID_PARAMETERS, responses=GridSerializer)
    def get(self, request):
        form = _form_or_400(request.query_params, request.user)
        return Response(grid_content(cadence_grid(user=request.user, params=form.params())))


class FlagEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlagEvent
        fields = ["kind", "at", "actor", "verdict", "held", "note"]


class FlagSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    events = FlagEventSerializer(many=True, read_only=True)

    class Meta:
        model = Flag
        fields = [
            "id",
            "body",
            "rule",
            "period",
            "period_start",
            "period_end",
            "verdict",
            "state",
            "required",
            "held",
            "scheduled",
            "note",
            "raised_at",
            "updated_at",
            "resolved_at",
            "events",
        ]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class FlagViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FlagSerializer
    permission_classes = [RolePermission]
    read_roles = COMPLIANCE_STAFF
    write_roles = (Role.SECRETARIAT, Role.CHAIR)
    filterset_class = FlagFilter

    def get_queryset(self):
        return flag_list(user=self.request.user).prefetch_related("events")

    @extend_schema(request=NoteSerializer, responses=FlagSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        flag = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = services.flag_acknowledge(flag=flag, note=data.validated_data["note"], acting_user=request.user)
        return Response(FlagSerializer(Flag.objects.prefetch_related("events").get(pk=flag.pk)).data)


class WaiverSerializer(serializers.ModelSerializer):
    bodies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = [
            "id",
            "kind",
            "title",
            "bodies",
            "starts_on",
            "ends_on",
            "justification",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "authority",
        ]


class WaiverProposeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["waiver", "suspension"], default="waiver")
    title = BoundedCharField(max_length=200, required=False, allow_blank=True, default="")
    bodies = serializers.ListField(child=BoundedCharField(max_length=32), allow_empty=False)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    justification = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WaiverViewSet(CachedReadsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Waivers and suspensions: the secretariat proposes, the chair's office approves or rejects."""

    serializer_class = WaiverSerializer
    permission_classes = [RolePermission]
    read_roles = COMPLIANCE_STAFF
    write_roles = (Role.SECRETARIAT, Role.CHAIR)
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return waivers_visible_to(self.request.user).order_by("-starts_on", "-id")

    @extend_schema(request=WaiverProposeSerializer, responses={201: WaiverSerializer})
    def create(self, request, *args, **kwargs):
        data = WaiverProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = data.validated_data["bodies"]
        bodies = list(bodies_visible_to(request.user).filter(code__in=codes))
        unknown = sorted(set(codes) - {b.code for b in bodies})
        if unknown:
            raise ValidationError({"bodies": _("Unknown body code: %(codes)s") % {"codes": ", ".join(unknown)}})
        waiver = services.waiver_propose(
            bodies=bodies,
            starts_on=data.validated_data["starts_on"],
            ends_on=data.validated_data["ends_on"],
            justification=data.validated_data["justification"],
            title=data.validated_data["title"],
            kind=data.validated_data["kind"],
            acting_user=request.user,
        )
        return Response(WaiverSerializer(self.get_queryset().get(pk=waiver.pk)).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, service, arguments):
        waiver = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(waiver=waiver, acting_user=request.user, **arguments(data.validated_data))
        return Response(WaiverSerializer(self.get_queryset().get(pk=waiver.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=WaiverSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, services.waiver_approve, arguments=lambda d: {"note": d["note"]})

    @extend_schema(request=DecisionSerializer, responses=WaiverSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, services.waiver_reject, arguments=lambda d: {"note": d["note"]})

    @extend_schema(request=None, responses=WaiverSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._decide(request, services.waiver_withdraw, arguments=lambda d: {})


class IssuedReportSerializer(serializers.ModelSerializer):
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = IssuedReport
        fields = ["id", "issued_at", "issued_by", "evaluated_at", "parameters", "sha256"]


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    stored_intact = serializers.BooleanField()
    reproduced = serializers.BooleanField()
    sha256 = serializers.CharField()
    recomputed_sha256 = serializers.CharField()
    differences = serializers.ListField(child=serializers.CharField())


class IssueReportIn(serializers.Serializer):
    """The grid's filters, as JSON (typed here; the grid's own rules, such as the range, are the form's)."""

    to = serializers.DateField(required=False)
    body = serializers.ListField(child=serializers.CharField(), required=False)
    granularity = serializers.ChoiceField(choices=Period.choices, required=False)
    as_of = serializers.DateField(required=False)

    def get_fields(self):
        return {"from": serializers.DateField(required=False), **super().get_fields()}

    def as_query(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for key, value in self.validated_data.items():
            query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
        return query


class IssuedReportViewSet(CachedReadsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Issued reports: issue one (POST the grid filters), list, read, verify."""

    serializer_class = IssuedReportSerializer
    permission_classes = [RolePermission]
    read_roles = COMPLIANCE_STAFF
    write_roles = COMPLIANCE_STAFF

    def get_queryset(self):
        return issued_reports_visible_to(self.request.user)

    @extend_schema(request=IssueReportIn, responses={201: IssuedReportSerializer})
    def create(self, request, *args, **kwargs):
        data = IssueReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        form = _form_or_400(data.as_query(), request.user)
        report = services.report_issue(params=form.params(), acting_user=request.user)
        return Response(IssuedReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VerificationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        report = get_object_or_404(IssuedReport.objects.select_related("issued_by"), pk=self.get_object().pk)
        result = services.report_verify(report=report)
        return Response(
            {
                "ok": result.ok,
                "stored_intact": result.stored_intact,
                "reproduced": result.reproduced,
                "sha256": report.sha256,
                "recomputed_sha256": result.recomputed_sha256,
                "differences": result.differences,
            }
        )
