"""Where the plan page sends a version: freezing it is plans' step, asking the parents for instemming is
consent's, and for an OPP the two are one action ("Versie vastleggen en ter instemming voorleggen").

Plans never imports consent, so consent registers the page that does both when it loads:

    from plans.sending import register_send_route
    register_send_route(lambda opp: reverse("consent:send", kwargs={"opp_uuid": opp.uuid}))

Without it the plan page can only freeze a version (and says that nobody was asked).
"""

from collections.abc import Callable

from .models import Opp

SendRoute = Callable[[Opp], str]
_route: SendRoute | None = None


def register_send_route(route: SendRoute | None) -> None:
    global _route
    _route = route


def send_url(opp: Opp) -> str | None:
    """The page that freezes the draft and asks for instemming in one step, when an app offers it."""
    return _route(opp) if _route is not None else None
