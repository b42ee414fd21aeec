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
