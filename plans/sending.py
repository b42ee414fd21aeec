"""Where the plan page sends a version: freezing it is plans' step, asking the parents for instemming is
consent's, and for an OPP the two are one action ("Versie vastleggen en ter instemming voorleggen").

Plans never imports consent, so consent answers `SEND_ROUTE` (`opp_portal.questions`) with the page that does
both when it loads:

    from plans.sending import SEND_ROUTE
    SEND_ROUTE.answer(lambda opp: reverse("consent:send", kwargs={"opp_uuid": opp.uuid}))

Unanswered, the plan page can only freeze a version (and says that nobody was asked).
"""

from collections.abc import Callable

from opp_portal.questions import Question

from .models import Opp

SEND_ROUTE: Question[Callable[[Opp], str | None]] = Question(
    "plans.send_route", default=lambda opp: None,
    doc="The page that freezes the draft and asks for instemming in one step, when an app offers it.")


def send_url(opp: Opp) -> str | None:
    """The page that freezes the draft and asks for instemming in one step, when an app offers it."""
    return SEND_ROUTE(opp)
