"""The user's API tokens: create (the key is shown once, never stored), list, revoke."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .errors import ValidationError
from .forms import ApiTokenForm
from .selectors_tokens import api_tokens_of
from .services import api_token_create, api_token_revoke_own


@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, new_key = api_token_create(
                    user=request.user, name=form.cleaned_data["name"], acting_user=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                form = ApiTokenForm()
                messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
        if new_key is None:
            status = 400
    context = {
        "form": form,
        "tokens": api_tokens_of(user=request.user),
        "new_key": new_key,
        "now": timezone.now(),
        "ttl_hours": settings.API_TOKEN_TTL_HOURS,
    }
    response = render(request, "nrc/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(user=request.user), pk=pk)
    api_token_revoke_own(token=token, acting_user=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name or token.prefix})
    return HttpResponseRedirect(reverse("token_list"))
