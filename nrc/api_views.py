"""Token endpoints (behind django-axes) and the current user's profile."""

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import StrictCharField
from .audit_selectors import AUDIT_ROLES, AuditFilter, audit_entries
from .datacache import CachedReadsMixin
from .models import ApiToken, AuditEntry
from .permissions import RolePermission
from .selectors_tokens import api_tokens_of
from .services import api_token_create, api_token_revoke_own


class TokenObtainInput(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class LockedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


@method_decorator(login_not_required, name="dispatch")
class TokenObtainView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(
        request=TokenObtainInput,
        responses={
            201: TokenOutput,
            429: OpenApiResponse(LockedOutSerializer, description="Locked out after too many failures."),
        },
    )
    def post(self, request):
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": _("Too many failed login attempts: this account is locked. Contact the administrator.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response(
                {"detail": _("Unable to log in with the credentials provided.")},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        token, key = api_token_create(user=user, name="api", acting_user=user)
        return Response(
            TokenOutput({"token": key, "expires_at": token.expires_at}).data, status=status.HTTP_201_CREATED
        )


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke_own(token=request.auth, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    member = serializers.CharField(source="member.iso2", allow_null=True, default=None)
    language = serializers.CharField()
    time_zone = serializers.CharField()


class MeView(CachedReadsMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        return Response(MeOutput(request.user).data)


class ApiTokenOutput(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]


class ApiTokenCreateInput(serializers.Serializer):
    name = StrictCharField(max_length=100)


class ApiTokenCreatedOutput(ApiTokenOutput):
    token = serializers.CharField(help_text="The key: shown only in this response, never again.")

    class Meta(ApiTokenOutput.Meta):
        fields = [*ApiTokenOutput.Meta.fields, "token"]


class ApiTokenViewSet(CachedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The current user's API tokens: list, create (the key is returned once), revoke."""

    permission_classes = [IsAuthenticated]
    serializer_class = ApiTokenOutput
    queryset = ApiToken.objects.none()

    def get_queryset(self):
        return api_tokens_of(user=self.request.user)

    @extend_schema(request=ApiTokenCreateInput, responses={201: ApiTokenCreatedOutput})
    def create(self, request):
        data = ApiTokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = api_token_create(user=request.user, name=data.validated_data["name"], acting_user=request.user)
        token.token = key
        return Response(ApiTokenCreatedOutput(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ApiTokenOutput})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = get_object_or_404(self.get_queryset(), pk=pk)
        token = api_token_revoke_own(token=token, acting_user=request.user)
        return Response(ApiTokenOutput(token).data)


class AuditEntryOutput(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "prev_hash",
            "hash",
        ]


class AuditEntryViewSet(CachedReadsMixin, viewsets.ReadOnlyModelViewSet):
    """The audit trail, newest first: auditors and administrators only."""

    permission_classes = [RolePermission]
    read_roles = AUDIT_ROLES
    write_roles = ()
    serializer_class = AuditEntryOutput
    filterset_class = AuditFilter
    queryset = AuditEntry.objects.none()

    def get_queryset(self):
        return audit_entries(user=self.request.user)
