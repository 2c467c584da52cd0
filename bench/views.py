"""The floor: the least a request can cost through the same server, middleware and authentication as the real
pages. Every benchmarked page is reported as a ratio to it."""

from django.http import HttpResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from nrc.datacache import uncached


@uncached
def floor(request):
    """A page: session login (LoginRequiredMiddleware), every middleware, a tiny body; never read from the read
    cache, so the floor stays the least a page can cost (every ratio errs on the slow side)."""
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


class ApiFloor(APIView):
    """An API endpoint: DRF with the project's authentication (bearer token), permissions and renderer."""

    def get(self, request):
        return Response({"ok": True})
