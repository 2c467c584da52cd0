"""Read endpoints for the co-operation areas."""

from rest_framework import serializers, viewsets

from nrc.permissions import RolePermission

from .models import CooperationArea, InitialStep


class InitialStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = InitialStep
        fields = ["position", "text_en", "text_fr", "text_ru"]


class CooperationAreaSerializer(serializers.ModelSerializer):
    initial_steps = InitialStepSerializer(many=True, read_only=True)

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
            "is_reference",
            "initial_steps",
        ]


class CooperationAreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CooperationAreaSerializer
    permission_classes = [RolePermission]
    filterset_fields = ["code", "is_reference"]
    queryset = CooperationArea.objects.prefetch_related("initial_steps").order_by("position", "code")
