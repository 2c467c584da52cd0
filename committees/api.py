"""Read endpoints for members and bodies (with their cadence rules)."""

import django_filters
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers, viewsets

from nrc.permissions import RolePermission

from .models import Body, BodyKind, CadenceRule, Member
from .selectors import body_list


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
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
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


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BodySerializer
    permission_classes = [RolePermission]
    filterset_class = BodyFilter

    def get_queryset(self):
        return body_list(user=self.request.user).order_by("rank", "code")
