"""Consent helpers: a plan world whose consent steps go through the real services, as users would."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consent import services
from consent.models import Decision, InstemmingRecipient
from consent.parties import deciding_parties
from schools.models import Guardian, Membership, Role
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

    def send_and_ask(self, opp, reason="Nieuw plan", **kwargs):
        """'Versie vastleggen en ter instemming voorleggen' in one step."""
        opp.refresh_from_db()
        return services.send_for_instemming(user=self.ib, opp=opp, expected_revision=opp.revision, reason=reason,
                                            **kwargs)

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


class ConsentSteps:
    """The parents' and the pupil's steps on any plan, through the real consent services (for the plans tests,
    which test the adoption requirements exactly as they run with consent)."""

    def ib(self, opp):
        return Membership.objects.filter(school=opp.school, role=Role.IB).order_by("pk").first().user

    def record_oogo(self, opp, **kwargs):
        kwargs.setdefault("held_on", timezone.localdate())
        return services.record_oogo(
            user=self.ib(opp), opp=opp, participants="Moeder, vader, ib'er", parents_view="Wij zijn het eens.",
            agreements="Thuis samen lezen.", discussed_handelingsdeel=kwargs.pop("handelingsdeel", True),
            discussed_uitstroomperspectief=kwargs.pop("uitstroomperspectief", True), **kwargs,
        )

    def record_hearing(self, opp, **kwargs):
        kwargs.setdefault("heard_on", timezone.localdate())
        kwargs.setdefault("method", "gesprek")
        kwargs.setdefault("heard_by", "De ib'er")
        kwargs.setdefault("pupil_view", "Ik wil beter leren lezen.")
        return services.record_hearing(user=self.ib(opp), opp=opp, **kwargs)

    def ask(self, version, reason="Nieuw plan"):
        """Ask every deciding party not asked yet about `version`; the existing request when all were asked."""
        opp = version.opp
        opp.refresh_from_db()
        asked = {r.party for r in InstemmingRecipient.objects.filter(request__version=version)}
        if all(p.key in asked for p in deciding_parties(opp.pupil, timezone.localdate())):
            return InstemmingRecipient.objects.filter(request__version=version).first().request
        return services.request_instemming(user=self.ib(opp), version=version, reason=reason)

    def recipient(self, version, decider: str) -> InstemmingRecipient:
        """`decider`: "guardian:<id>" or "pupil"."""
        self.ask(version)
        rows = InstemmingRecipient.objects.filter(request__version=version)
        if decider == "pupil":
            return rows.get(pupil__isnull=False)
        return rows.get(guardian_id=int(decider.split(":", 1)[1]))

    def decide(self, version, decider: str, *, agreed: bool = True, decision: str | None = None):
        recipient = self.recipient(version, decider)
        decision = decision or (Decision.AKKOORD if agreed else Decision.NIET_AKKOORD)
        reason = "" if decision == Decision.AKKOORD else "Wij willen eerst meer hulp bij rekenen."
        person = recipient.guardian or recipient.pupil
        if person.user_id:
            return services.decide(user=person.user, recipient=recipient, decision=decision, reason=reason)
        # An akkoord the school records needs the signed form (rule 2).
        scan = SimpleUploadedFile("besluit.pdf", b"%PDF-1.4 test", content_type="application/pdf") \
            if decision == Decision.AKKOORD else None
        return services.record_paper_decision(user=self.ib(version.opp), recipient=recipient, decision=decision,
                                              reason=reason, how="in_gesprek", scan=scan)

    def deciders(self, opp) -> list[str]:
        return [("pupil" if p.pupil else f"guardian:{p.guardian.pk}")
                for p in deciding_parties(opp.pupil, timezone.localdate())]

    def agree_all(self, opp, version):
        """OOGO on both parts, the pupil heard, and every deciding party agrees to `version`."""
        self.record_oogo(opp)
        self.record_hearing(opp)
        for decider in self.deciders(opp):
            self.decide(version, decider, agreed=True)
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
