"""API: co-operation areas (read; the secretariat adds areas by mutual agreement), work programmes and
their items, and the progress roll-up per area and year."""

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from nrc.api import BoundedCharField, YearFilter
from nrc.datacache import CachedReadsMixin
from nrc.permissions import RolePermission

from .models import CooperationArea, InitialStep, WorkItemStatus, WorkProgramme, WorkProgrammeItem
from .selectors import work_programme_rollup
from .services import area_add, work_item_add, work_item_update, work_programme_create


class InitialStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = InitialStep
        fields = ["position", "text_en", "text_fr", "text_ru"]


class CooperationAreaSerializer(serializers.ModelSerializer):
    initial_steps = InitialStepSerializer(many=True, read_only=True)
    added_by = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)

    class Meta:
        model = CooperationArea
        fields = [
            "id",
            "code",
            "name_en",
            "name_fr",
            "name_ru",
            "position",
            "description",
            "established_on",
            "is_reference",
            "initial_steps",
            "added_by",
        ]


class AreaAddInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=16)
    name_en = BoundedCharField(max_length=200)
    name_fr = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    name_ru = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    decision = serializers.CharField(help_text="Reference of the adopted joint decision that agrees the area.")


class CooperationAreaViewSet(CachedReadsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CooperationAreaSerializer
    permission_classes = [RolePermission]
    filterset_fields = ["code", "is_reference"]
    queryset = CooperationArea.objects.prefetch_related("initial_steps", "added_by").order_by("position", "code")

    @extend_schema(request=AreaAddInputSerializer, responses={201: CooperationAreaSerializer})
    def create(self, request, *args, **kwargs):
        from meetings.models import JointDecision

        data = AreaAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        decision = JointDecision.objects.filter(reference=values.pop("decision")).first()
        if decision is None:
            raise serializers.ValidationError({"decision": ["No joint decision has this reference."]})
        area = area_add(decision=decision, acting_user=request.user, **values)
        return Response(CooperationAreaSerializer(self.get_queryset().get(pk=area.pk)).data, status=201)


class WorkProgrammeItemSerializer(serializers.ModelSerializer):
    lead_body = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = WorkProgrammeItem
        fields = ["id", "programme", "position", "title", "lead_body", "due_on", "status", "progress"]
        read_only_fields = fields


class WorkProgrammeSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = WorkProgrammeItemSerializer(many=True, read_only=True)

    class Meta:
        model = WorkProgramme
        fields = ["id", "area", "year", "summary", "items"]
        read_only_fields = fields


class WorkProgrammeInputSerializer(serializers.Serializer):
    area = serializers.SlugRelatedField(slug_field="code", queryset=CooperationArea.objects.all())
    year = serializers.IntegerField(min_value=2002, max_value=2100)
    summary = serializers.CharField(required=False, default="", allow_blank=True)


class WorkItemInputSerializer(serializers.Serializer):
    title = BoundedCharField(max_length=300)
    lead_body = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, default=None, help_text="Body code; empty or null: none."
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=WorkItemStatus.choices, required=False, default=WorkItemStatus.PLANNED)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)


class WorkItemUpdateInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WorkItemStatus.choices, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)


class RollupSerializer(serializers.Serializer):
    programme_id = serializers.IntegerField()
    area = serializers.CharField()
    year = serializers.IntegerField()
    items = serializers.IntegerField()
    completed = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Mean progress (%) of the items that are not cancelled.")


class WorkProgrammeFilter(django_filters.FilterSet):
    area = django_filters.CharFilter(field_name="area__code", help_text="Area code")
    year = YearFilter()

    class Meta:
        model = WorkProgramme
        fields = ["area", "year"]


class WorkProgrammeViewSet(CachedReadsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkProgrammeSerializer
    permission_classes = [RolePermission]
    filterset_class = WorkProgrammeFilter

    def get_queryset(self):
        return (
            WorkProgramme.objects.select_related("area")
            .prefetch_related("items__lead_body")
            .order_by("area__position", "year")
        )

    @extend_schema(request=WorkProgrammeInputSerializer, responses={201: WorkProgrammeSerializer})
    def create(self, request, *args, **kwargs):
        data = WorkProgrammeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = work_programme_create(acting_user=request.user, **data.validated_data)
        return Response(WorkProgrammeSerializer(self.get_queryset().get(pk=programme.pk)).data, status=201)

    @extend_schema(request=WorkItemInputSerializer, responses={201: WorkProgrammeItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        from committees.models import Body

        programme = self.get_object()
        data = WorkItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("lead_body")
        lead_body = None
        if code:
            lead_body = Body.objects.filter(code=code).first()
            if lead_body is None:
                raise serializers.ValidationError({"lead_body": ["No body has this code."]})
        item = work_item_add(programme=programme, lead_body=lead_body, acting_user=request.user, **values)
        return Response(WorkProgrammeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={200: RollupSerializer(many=True)},
        parameters=[OpenApiParameter("area", str, description="Area code")],
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None, filter_backends=[])
    def rollup(self, request):
        area = None
        if request.query_params.get("area"):
            area = get_object_or_404(CooperationArea, code=request.query_params["area"])
        return Response(RollupSerializer(work_programme_rollup(area=area), many=True).data)


class WorkProgrammeItemViewSet(CachedReadsMixin, viewsets.GenericViewSet):
    serializer_class = WorkProgrammeItemSerializer
    permission_classes = [RolePermission]
    queryset = WorkProgrammeItem.objects.select_related("lead_body")

    @extend_schema(request=WorkItemUpdateInputSerializer, responses={200: WorkProgrammeItemSerializer})
    def partial_update(self, request, pk=None):
        item = self.get_object()
        data = WorkItemUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = work_item_update(item=item, acting_user=request.user, **data.validated_data)
        return Response(WorkProgrammeItemSerializer(item).data)
