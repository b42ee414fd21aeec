"""The consent side of the demo (consent/demo.py): the demo parents' plans, decisions, a refusal, lawful adoption."""

import pytest
from django.core.management import call_command
from django.db import transaction

from consent.models import (
    Decision,
    Hearing,
    HowGiven,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
)
from consent.requirements import instemming_status, latest_decisions
from plans.models import Opp, OppStatus
from plans.requirements import checklist
from schools.demo import seed
from schools.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One seeded database shared by the read-only checks of a class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def parent(email: str) -> User:
    return User.objects.get(email=email)


def waiting_plan_of_both_demo_parents() -> Opp:
    shared = Opp.objects.visible_to(parent("ouder2@demo.opp"))
    return shared.get()


class TestTheDemoConsent:
    def test_the_demo_parents_share_a_plan_whose_version_2_waits_for_both_of_them(self, demo):
        opp = waiting_plan_of_both_demo_parents()
        assert opp.pupil.first_name == "Emma"
        assert opp.status == OppStatus.TER_INSTEMMING
        assert opp.adopted_version.number == 1 and opp.latest_version.number == 2
        assert opp.evaluations.filter(decision="adjust").exists()
        sanne, mark = parent("ouder@demo.opp"), parent("ouder2@demo.opp")

        v1 = latest_decisions(opp.adopted_version)
        assert len(v1) == 2 and all(d.decision == Decision.AKKOORD and d.how == HowGiven.ONLINE for d in v1.values())
        assert {d.decided_by for d in v1.values()} == {sanne, mark}

        v2 = opp.latest_version
        assert latest_decisions(v2) == {}
        recipients = InstemmingRecipient.objects.filter(request__version=v2)
        assert {r.guardian.user for r in recipients} == {sanne, mark}
        assert instemming_status(opp, v2).message.startswith("Wacht op het besluit van")

    def test_version_2_meets_every_requirement_but_instemming(self, demo):
        opp = waiting_plan_of_both_demo_parents()
        gaps = [item.key for item in checklist(opp) if not item.met]
        assert gaps == ["instemming"]

    def test_the_first_demo_parent_also_has_an_adopted_plan_for_her_other_child(self, demo):
        plans = Opp.objects.visible_to(parent("ouder@demo.opp"))
        assert {o.pupil.first_name for o in plans} == {"Noah", "Emma"}
        noah = plans.get(pupil__first_name="Noah")
        assert noah.status == OppStatus.VASTGESTELD
        decisions = latest_decisions(noah.adopted_version)
        assert [d.decided_by for d in decisions.values()] == [parent("ouder@demo.opp")]

    def test_a_plan_waits_with_one_guardian_agreed_and_the_other_not_yet(self, demo):
        found = False
        for opp in Opp.objects.filter(status=OppStatus.TER_INSTEMMING):
            version = opp.latest_version
            asked = InstemmingRecipient.objects.filter(request__version=version).count()
            decided = latest_decisions(version)
            if asked == 2 and len(decided) == 1 and next(iter(decided.values())).decision == Decision.AKKOORD:
                found = True
        assert found

    def test_a_refusal_with_its_reason_blocks_a_plan(self, demo):
        refusal = InstemmingDecision.objects.get(decision=Decision.NIET_AKKOORD)
        assert refusal.reason
        opp = refusal.version.opp
        assert opp.status == OppStatus.TER_INSTEMMING and opp.adopted_on is None
        assert "niet in" in instemming_status(opp, refusal.version).message

    def test_a_parent_asked_for_a_conversation_first(self, demo):
        assert InstemmingDecision.objects.filter(decision=Decision.GESPREK_GEWENST).exists()

    def test_the_adult_pupils_are_asked_instead_of_the_parents(self, demo):
        recipients = InstemmingRecipient.objects.filter(pupil__isnull=False).select_related("request__version__opp")
        assert {r.request.version.opp.school.school_type for r in recipients} == {"vo", "vso"}
        assert all(r.request.version.opp.pupil == r.pupil for r in recipients)

    def test_a_few_families_and_the_adult_vso_pupil_have_a_known_address_to_try_the_invitation(self, demo):
        from consent.signin import is_claimable
        from schools.models import Guardian, Pupil

        for email in ("ouder3@demo.opp", "ouder5@demo.opp", "ouder6@demo.opp", "leerling@demo.opp"):
            assert is_claimable(email), email
        assert not Guardian.objects.filter(email__endswith="@demo.opp", user__isnull=True,
                                           email__in=["ouder@demo.opp", "ouder2@demo.opp"]).exists()
        adult = Pupil.objects.get(email="leerling@demo.opp")
        asked = InstemmingRecipient.objects.select_related("request").get(pupil=adult)
        assert adult.age_on(asked.request.requested_on) >= 18 and asked.request.version.opp.school_type == "vso"
        waiting = InstemmingRecipient.objects.filter(guardian__email="ouder5@demo.opp").get()
        assert waiting.latest_decision is None
        refused = InstemmingRecipient.objects.filter(guardian__email="ouder6@demo.opp").get()
        assert refused.latest_decision.decision == Decision.NIET_AKKOORD

    def test_every_legal_adopted_plan_had_oogo_on_both_parts_a_hearing_and_everyone_agreed(self, demo):
        for opp in Opp.objects.filter(adopted_version__isnull=False, kind="extra_support"):
            decisions = latest_decisions(opp.adopted_version)
            assert decisions and all(d.decision == Decision.AKKOORD for d in decisions.values())
            meetings = OogoMeeting.objects.filter(opp=opp, held_on__lte=opp.adopted_on)
            assert meetings.filter(discussed_handelingsdeel=True, discussed_uitstroomperspectief=True).exists()
            assert opp.hearings.filter(created_at__lt=opp.adopted_version.created_at).exists() or \
                opp.hearings.filter(version=opp.adopted_version).exists()

    def test_decisions_were_given_after_the_version_was_sent_and_before_adoption(self, demo):
        for decision in InstemmingDecision.objects.select_related("version__opp"):
            assert decision.decided_at >= decision.version.created_at
            opp = decision.version.opp
            if opp.adopted_version_id == decision.version_id:
                assert decision.decided_at.date() <= opp.version_adopted_on


def test_a_second_run_adds_no_consent_records():
    def counts():
        return [model.objects.count() for model in (InstemmingRequest, InstemmingDecision, OogoMeeting, Hearing)]

    call_command("seed_demo", verbosity=0)
    before = counts()
    ctx = seed()
    assert not ctx.changed
    assert counts() == before
