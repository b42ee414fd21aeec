"""The portal's URLs plus the benchmark's ceiling: a page that answers the same bytes without a query."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from opp_portal.urls import urlpatterns as portal_urlpatterns

CONSTANT_BODY = b"ok\n"


def constant(request: HttpRequest) -> HttpResponse:
    """The same middleware as every page, then nothing: what the server, Django and the network cost."""
    return HttpResponse(CONSTANT_BODY, content_type="text/plain")


urlpatterns = [path("bench/constant", constant, name="bench_constant"), *portal_urlpatterns]
