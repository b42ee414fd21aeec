"""The request a view receives, as the type checker should see it: Django's, with django-htmx's `htmx` details
(added by `django_htmx.middleware.HtmxMiddleware` to every request)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
