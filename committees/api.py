"""Read endpoints for members and bodies (with their cadence rules)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cooperation.models import CooperationArea
from nrc.api import BoundedCharField
from nrc.datacache import CachedReadsMixin
from nrc.permissions import RolePermission

from .models import Basis, Body, BodyKind, CadenceRule, Member, Period
from .selectors import body_list
from .services import body_create, body_dissolve


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "iso2", "iso3", "name_en", "name_fr", "name_ru", "former_name", "joined_on", "left_on"]


class MemberFilter(django_filters.FilterSet):
    active_on = django_filters.DateFilter(method="filter_active_on", label="Active on")

    class Meta:
        model = Member
        fields = ["iso2", "iso3"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


@extend_schema_view()
class MemberViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MemberSerializer
    permission_classes = [RolePermission]
    filterset_class = MemberFilter
    queryset = Member.objects.order_by("name_en")


class CadenceRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CadenceRule
        fields = ["id", "min_meetings", "period", "effective_from", "effective_to", "source_text"]


class BodySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    cadence_rules = CadenceRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = [
            "id",
            "code",
            "name_en",
            "name_fr",
            "name_ru",
            "kind",
            "level",
            "parent",
            "chair",
            "co_chair",
            "basis",
            "mandate",
            "areas",
            "existed_from",
            "existed_to",
            "dissolution_reason",
            "allows_extraordinary",
            "cadence_rules",
        ]


class BodyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=BodyKind.choices)
    area = django_filters.CharFilter(field_name="areas__code", label="Co-operation area code")
    existing_on = django_filters.DateFilter(method="filter_existing_on", label="Existing on")

    class Meta:
        model = Body
        fields = ["code", "kind", "basis", "area"]

    def filter_existing_on(self, queryset, name, value):
        return queryset.existing_on(value)


class BodyDetailSerializer(BodySerializer):
    """One body: also the members taking part (empty: every member) and the decisions that established it."""

    participants = serializers.SlugRelatedField(slug_field="iso2", many=True, read_only=True)
    established_by = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)

    class Meta(BodySerializer.Meta):
        fields = [*BodySerializer.Meta.fields, "participants", "established_by"]


class BodyCreateInputSerializer(serializers.Serializer):
    code = BoundedCharField(max_length=32)
    name_en = BoundedCharField(max_length=200)
    name_fr = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    name_ru = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    kind = serializers.ChoiceField(choices=BodyKind.choices, help_text="committee, working_group or expert_group")
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Body.objects.all())
    basis = serializers.ChoiceField(choices=Basis.choices)
    mandate = serializers.CharField(required=False, default="", allow_blank=True)
    existed_from = serializers.DateField()
    existed_to = serializers.DateField(required=False, allow_null=True, default=None)
    areas = serializers.SlugRelatedField(
        slug_field="code", queryset=CooperationArea.objects.all(), many=True, required=False, default=list
    )
    participants = serializers.SlugRelatedField(
        slug_field="iso2", queryset=Member.objects.all(), many=True, required=False, default=list
    )
    chair = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    co_chair = BoundedCharField(max_length=200, required=False, default="", allow_blank=True)
    cadence_min = serializers.IntegerField(min_value=0, max_value=50, required=False, allow_null=True, default=None)
    cadence_period = serializers.ChoiceField(choices=Period.choices, required=False, default="", allow_blank=True)
    established_by = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Reference of the joint decision that establishes it."
    )


class BodyDissolveInputSerializer(serializers.Serializer):
    dissolved_on = serializers.DateField()
    reason = serializers.CharField()


class BodyViewSet(CachedReadsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Bodies; the secretariat sets up committees and working groups (POST) and dissolves them."""

    serializer_class = BodySerializer
    permission_classes = [RolePermission]
    filterset_class = BodyFilter

    def get_queryset(self):
        qs = body_list(user=self.request.user).order_by("rank", "code")
        if self.action != "list":
            qs = qs.prefetch_related("participants", "established_by")
        return qs

    def get_serializer_class(self):
        return BodySerializer if self.action == "list" else BodyDetailSerializer

    @extend_schema(request=BodyCreateInputSerializer, responses={201: BodyDetailSerializer})
    def create(self, request, *args, **kwargs):
        from meetings.models import JointDecision  # the decisions live in the app below this one

        data = BodyCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reference = values.pop("established_by")
        decision = None
        if reference:
            decision = JointDecision.objects.filter(reference=reference).first()
            if decision is None:
                raise serializers.ValidationError({"established_by": ["No joint decision has this reference."]})
        body = body_create(acting_user=request.user, established_by=decision, **values)
        return Response(BodyDetailSerializer(self.get_queryset().get(pk=body.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BodyDissolveInputSerializer, responses={200: BodyDetailSerializer})
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        body = self.get_object()
        data = BodyDissolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body_dissolve(body=body, acting_user=request.user, **data.validated_data)
        return Response(BodyDetailSerializer(self.get_queryset().get(pk=body.pk)).data)
