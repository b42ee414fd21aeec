"""The demo plans `seed_demo` adds (plans/demo.py): every status, standard texts, internal plans, lawful history."""

import pytest
from django.core.management import call_command
from django.db import transaction

from opp_portal.audit.models import AuditEvent
from plans.models import Opp, OppKind, OppStatus, OppVersion, StandardText, StandardTextKind
from plans.requirements import checklist, judge
from schools.demo import seed
from schools.models import Enrolment

pytestmark = pytest.mark.django_db

DEMO_SCHOOLS = ("99AA00", "99AB00", "99AC00", "99AD00", "99AE00", "99AF00", "99AG00")


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One seeded database shared by the read-only checks of a class, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


class TestTheDemoPlans:
    def test_plans_in_every_status_are_seeded_at_the_demo_schools(self, demo):
        statuses = set(Opp.objects.values_list("status", flat=True))
        assert statuses == set(OppStatus.values)
        assert 20 <= Opp.objects.count() <= 40

    def test_every_demo_school_has_plans(self, demo):
        schools = {f"{b}{v}" for b, v in Opp.objects.values_list("school__brin", "school__vestiging")}
        assert schools == set(DEMO_SCHOOLS)

    def test_the_summary_counts_the_plans_per_status(self, demo):
        for status in OppStatus:
            assert demo.totals[f"plannen {status.label}"] == Opp.objects.filter(status=status).count()

    def test_the_demo_ib_has_drafts_and_running_plans_among_their_pupils(self, demo):
        ib = demo.accounts["ib@bao.demo.opp"].user
        visible = Opp.objects.visible_to(ib)
        assert {OppStatus.CONCEPT, OppStatus.IN_OVERLEG, OppStatus.TER_INSTEMMING, OppStatus.VASTGESTELD,
                OppStatus.BIJGESTELD, OppStatus.BEEINDIGD} <= set(visible.values_list("status", flat=True))
        # And pupils without a plan, to start one.
        planned = visible.values("pupil_id")
        assert Enrolment.objects.filter(school__brin="99AA").exclude(pupil_id__in=planned).count() >= 20

    def test_basisondersteuning_plans_only_at_bao_and_vo_and_at_both(self, demo):
        internal = Opp.objects.filter(kind=OppKind.BASISONDERSTEUNING)
        assert set(internal.values_list("school__school_type", flat=True)) == {"bao", "vo"}
        assert internal.filter(status=OppStatus.VASTGESTELD, school__school_type="bao").exists()
        assert internal.filter(status=OppStatus.VASTGESTELD, school__school_type="vo").exists()

    def test_every_adopted_plan_met_the_whole_checklist_when_it_was_adopted(self, demo):
        adopted = Opp.objects.filter(adopted_version__isnull=False).select_related("adopted_version", "school", "pupil")
        assert adopted.count() >= 15
        for opp in adopted:
            adoption = opp.latest_adoption
            assert adoption.version == opp.adopted_version and adoption.checklist
            items = checklist(opp, opp.adopted_version) if opp.status == OppStatus.VASTGESTELD else []
            assert all(row["met"] for row in adoption.checklist), (opp, adoption.checklist)
            assert all(item.met for item in items), (opp, [(i.key, i.status.message) for i in items if not i.met])
            if opp.status == OppStatus.VASTGESTELD:
                assert judge(opp).all_met and judge(opp).met_count == len(judge(opp).items)
            assert AuditEvent.objects.filter(action="opp.adopted", object_type="plans.opp",
                                             object_id=str(opp.pk)).exists()

    def test_some_adopted_plans_are_overdue_for_their_yearly_evaluation(self, demo):
        overdue = Opp.objects.running().filter(next_evaluation_due__lt=demo.today)
        assert overdue.count() >= 3
        for opp in overdue:
            assert (demo.today - opp.adopted_on).days > 365
            assert not opp.evaluations.exists()

    def test_special_schools_have_pupils_enrolled_over_six_weeks_ago_without_an_adopted_plan(self, demo):
        for code in ("99AB00", "99AC00"):
            drafts = Opp.objects.filter(school__brin=code[:4], adopted_on__isnull=True).exclude(
                status=OppStatus.BEEINDIGD)
            late = [o for o in drafts
                    if (demo.today - o.pupil.enrolments.get(school=o.school).enrolment_date).days > 42]
            assert late, code

    def test_ended_plans_have_an_end_date_and_a_reason(self, demo):
        ended = Opp.objects.filter(status=OppStatus.BEEINDIGD)
        assert ended.count() >= 2
        for opp in ended:
            assert opp.ended_on and opp.end_reason and opp.adopted_on <= opp.ended_on

    def test_a_plan_ended_at_a_special_school_is_followed_by_a_new_plan_carried_over(self, demo):
        follow_ups = Opp.objects.filter(previous__status=OppStatus.BEEINDIGD)
        assert follow_ups.exists()
        assert all(o.goals.exists() for o in follow_ups)

    def test_so_and_vso_plans_sent_to_the_parents_have_the_commissie_advice(self, demo):
        sent = Opp.objects.filter(school_type__in=("so", "vso"), sent_at__isnull=False)
        assert sent.count() >= 3
        assert all(o.commissie_advices.exists() for o in sent)

    def test_versions_keep_a_valid_hash_and_history_lies_in_the_past(self, demo):
        for version in OppVersion.objects.all():
            assert version.hash_is_valid()
        assert Opp.objects.filter(adopted_on__lt=demo.today.replace(year=demo.today.year - 1)).exists()

    def test_standard_texts_for_the_bao_school_and_its_board_in_every_kind(self, demo):
        for owner in ({"school__brin": "99AA"}, {"board__number": "99001"}):
            kinds = list(StandardText.objects.filter(**owner, active=True).values_list("kind", flat=True))
            for kind in StandardTextKind.values:
                assert 3 <= kinds.count(kind) <= 5, (owner, kind)

    def test_every_plan_step_left_an_audit_event(self, demo):
        started = AuditEvent.objects.filter(action="opp.started").count()
        assert started == Opp.objects.count()
        assert AuditEvent.objects.filter(action="opp.version_frozen").count() == OppVersion.objects.count()


def test_a_second_run_adds_no_plans_texts_or_events():
    call_command("seed_demo", verbosity=0)
    before = (Opp.objects.count(), OppVersion.objects.count(), StandardText.objects.count(), AuditEvent.objects.count())
    ctx = seed()
    assert not ctx.changed
    after = (Opp.objects.count(), OppVersion.objects.count(), StandardText.objects.count(), AuditEvent.objects.count())
    assert after == before

