"""Token endpoints (behind django-axes) and the current user's profile."""

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .api_auth import api_token_issue, api_token_revoke
from .models import ApiToken


class TokenObtainInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


@method_decorator(login_not_required, name="dispatch")
class TokenObtainView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "token"

    @extend_schema(request=TokenObtainInput, responses={201: TokenOutput})
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
                {"detail": _("Unable to log in with the credentials provided.")}, status=status.HTTP_400_BAD_REQUEST
            )
        token, key = api_token_issue(user=user, name="api")
        return Response(
            TokenOutput({"token": key, "expires_at": token.expires_at}).data, status=status.HTTP_201_CREATED
        )


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField()
    member = serializers.CharField(source="member.iso2", allow_null=True, default=None)
    language = serializers.CharField()
    time_zone = serializers.CharField()


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request):
        return Response(MeOutput(request.user).data)
