"""Consent helpers: a plan world whose consent steps go through the real services, as users would."""

import datetime

from django.utils import timezone

from consent import services
from consent.models import Decision, InstemmingRecipient
from schools.models import Guardian
from tests.plans.factories import PlanWorld

TODAY = datetime.date.today()


class ConsentWorld(PlanWorld):
    """PlanWorld (school, ib, leader, pupil with two parents with gezag) plus the consent steps."""

    def oogo(self, opp, *, handelingsdeel=True, uitstroomperspectief=True, held_on=None):
        return services.record_oogo(
            user=self.ib, opp=opp, held_on=held_on or TODAY, participants="Moeder, vader, ib'er",
            discussed_handelingsdeel=handelingsdeel, discussed_uitstroomperspectief=uitstroomperspectief,
            parents_view="Wij zien dat lezen thuis ook lastig is.", agreements="Thuis elke avond samen lezen.",
        )

    def hear(self, opp, **kwargs):
        kwargs.setdefault("heard_on", TODAY)
        kwargs.setdefault("method", "gesprek")
        kwargs.setdefault("heard_by", "De ib'er")
        kwargs.setdefault("pupil_view", "Ik wil graag beter leren lezen.")
        return services.record_hearing(user=self.ib, opp=opp, **kwargs)

    def ask(self, version, reason="Nieuw plan"):
        return services.request_instemming(user=self.ib, version=version, reason=reason)

    def recipient(self, request, user) -> InstemmingRecipient:
        return InstemmingRecipient.objects.for_user(user).get(request=request)

    def decide(self, request, user, decision=Decision.AKKOORD, reason=""):
        return services.decide(user=user, recipient=self.recipient(request, user), decision=decision, reason=reason)

    def ready_for_adoption(self, **kwargs):
        """A sent plan with OOGO on both parts, a hearing and both parents' akkoord."""
        opp, version = self.sent(**kwargs)
        self.oogo(opp)
        self.hear(opp)
        request = self.ask(version)
        for parent in (self.mother, self.father):
            self.decide(request, parent)
        return opp, version, request

    def guardian(self, user) -> Guardian:
        return Guardian.objects.get(user=user)

    def make_adult(self):
        self.pupil.date_of_birth = datetime.date(timezone.localdate().year - 19, 1, 1)
        self.pupil.save(update_fields=["date_of_birth"])


# --- families without an account (invitations, sign-in by code) ------------------------------------------------------

import re  # noqa: E402

from django.core import mail  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.factories import GuardianFactory, GuardianshipFactory, enrolled_pupil  # noqa: E402

LINK = re.compile(r"https://opp-portaal\.example\.nl(/uitnodiging/[\w-]+/)")
CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.M)


def family_without_accounts(world: ConsentWorld, guardians: int = 2):
    """A pupil at the world's school whose guardians with gezag have an address the school recorded, and no
    account; a plan for them that was sent."""
    pupil = enrolled_pupil(world.school, group="6")
    parents = [GuardianshipFactory(pupil=pupil, guardian=GuardianFactory()).guardian for _ in range(guardians)]
    opp = world.fill(world.start(pupil=pupil))
    version = world.send(opp)
    return pupil, parents, opp, version


def link_in(message) -> str:
    """The path of the personal link in a mail (the mail shows it on the portal's public address)."""
    return LINK.search(message.body).group(1)


def code_in(message) -> str:
    return CODE.search(message.body).group(1)


def mails_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email]]


def sign_in_with_code(client, link: str, email: str, capture) -> object:
    """Open the personal link, ask for the code, enter the code from the mail; returns the final response."""
    with capture(execute=True):
        response = client.post(link)
    assert response.status_code == 302 and response.url.startswith(reverse("account_confirm_login_code"))
    code = code_in(mails_to(email)[-1])
    with capture(execute=True):
        return client.post(response.url, {"code": code}, follow=True)
