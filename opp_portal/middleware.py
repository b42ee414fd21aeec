"""Two guards every response passes through.

`RejectNulMiddleware`: a NUL byte in a URL's path is never a real address (PostgreSQL cannot even compare a
text with one), so such a request is a 404 before any view looks up a token or an identifier with it. In the
query string the forms that read it answer with a field error (Django's forms refuse NUL bytes).

`NoStoreMiddleware`: a page for a signed-in user carries personal data (names, plans, exports); no browser
cache, shared proxy or back button keeps a copy. Static files never reach it (WhiteNoise answers first).
"""

from django.http import Http404
from django.utils.cache import patch_cache_control


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
