"""Demo plans that went to the parents, for `manage.py seed_demo` (runs after plans' step, see plans/demo.py).

Each story goes through the real services on its own days (`plans.demo.Timeline`): OOGO, the pupil's hearing,
the commissie's advice in so/vso, the instemming request, each guardian's decision (online for the demo parents,
recorded by the school for the others), adoption, evaluations, a new version, an end. So every adopted plan met
the checklist when it was adopted, and every record has its audit event on the day it happened.

The demo parents: Emma (Sanne de Vries and Mark Jansen, both with gezag) has an adopted version 1 both agreed to
and, after an evaluation, a version 2 waiting for both their decisions; Noah (Sanne only) has an adopted plan.

A few families without an account get a known address (`KNOWN_ADDRESSES`, listed in the README), so a new user
can try the invitation: sign in as the ib, send a reminder, open the link from the console mail and sign in
with the code from the next one; or ask a code for the address on the sign-in page.

Idempotent: the stories run only when no instemming was asked yet at a demo school (`consent_seeded`).
The requests are history: their emails are not sent while seeding.
"""

from collections import Counter
from unittest import mock

from django.core.files.base import ContentFile
from django.db.models import Count, Q

from plans.demo import PLANS, PlanMaker, PlanSpec, PupilPicker, Staff, tally_plans
from plans.models import Opp, OppKind, OppStatus
from plans.services import start_draft
from schools.demo import DemoContext
from schools.models import Guardian, Pupil

from . import services
from .models import (
    Decision,
    Hearing,
    HowGiven,
    InstemmingDecision,
    InstemmingRecipient,
    InstemmingRequest,
    OogoMeeting,
    PupilInvitation,
    PupilInvitationKind,
)
from .services import family as family_services
from .services import outreach as outreach_services
from .services import school as school_services

CONSENT_STORIES = (
    "adjusted_waiting", "adopted", "half_agreed", "evaluation_overdue", "evaluated", "ended", "refused",
    "bijgesteld", "in_overleg_overdue", "waiting", "conversation", "internal",
)
HEARING_METHODS = ("gesprek", "tekening", "vragenlijst", "via_ouders")
PUPIL_VIEWS = (
    "Ik vind lezen moeilijk, maar met Fatima oefenen is leuk.",
    "Ik wil graag een rustig plekje als het te druk wordt.",
    "Ik wil zelf kunnen plannen, maar soms vergeet ik het.",
    "Stage vind ik het leukste. Ik wil later in een tuin werken.",
)


# (school, story, which guardian with gezag in order, or "pupil") -> the address it gets.
KNOWN_ADDRESSES = (
    ("99AC00", "waiting", 0, "ouder3@demo.opp"),
    ("99AC00", "waiting", 1, "ouder4@demo.opp"),
    ("99AA00", "half_agreed", 1, "ouder5@demo.opp"),
    ("99AA00", "refused", 0, "ouder6@demo.opp"),
    ("99AF00", "waiting", "pupil", "leerling@demo.opp"),
)
# The scan of a signed paper form, as the demo's ib uploads it (a one-page PDF).
DEMO_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
    b"endobj\n4 0 obj<</Length 58>>stream\nBT /F1 18 Tf 60 760 Td (Instemmingsformulier, ondertekend) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def consent_seeded(ctx: DemoContext) -> bool:
    return InstemmingRequest.objects.filter(version__opp__school__in=ctx.schools.values()).exists()


def seed_consent(ctx: DemoContext) -> None:
    made: list[Opp] = []
    if not consent_seeded(ctx):
        picker, story = PupilPicker(ctx), Stories(ctx)
        silent = lambda message, **kwargs: None  # noqa: E731  (the demo's old requests and decisions send no mail)
        told: dict[tuple[str, str, bool], Opp] = {}
        with mock.patch.object(school_services, "queue_email", silent), \
                mock.patch.object(family_services, "queue_email", silent), \
                mock.patch.object(outreach_services, "queue_email", silent):
            for spec in PLANS:
                if spec.story in CONSENT_STORIES:
                    pupil = picker.pick(spec)
                    if pupil is not None:
                        plans = story.tell(spec, pupil)
                        made.extend(plans)
                        told.setdefault((spec.school, spec.story, spec.adult), plans[0])
        _known_addresses(ctx, told)
    created = Counter(Opp.objects.filter(pk__in=[o.pk for o in made]).values_list("status", flat=True))
    tally_plans(ctx, created)
    _tally_records(ctx, made)


def _known_addresses(ctx: DemoContext, told: dict[tuple[str, str, bool], Opp]) -> None:
    """The school records a known address for a few parties without an account (see KNOWN_ADDRESSES)."""
    changed = 0
    for school, story, which, email in KNOWN_ADDRESSES:
        opp = told.get((school, story, which == "pupil"))
        if opp is None:
            continue
        if which == "pupil":
            pupil = opp.pupil
            if pupil.user_id is None and not Pupil.objects.filter(email=email).exists():
                Pupil.objects.filter(pk=pupil.pk).update(email=email)
                PupilInvitation.objects.create(pupil=pupil, email=email, kind=PupilInvitationKind.INSTEMMING)
                changed += 1
            continue
        guardians = list(Guardian.objects.filter(guardianships__pupil=opp.pupil, guardianships__has_gezag=True,
                                                 user__isnull=True).order_by("pk"))
        if isinstance(which, int) and which < len(guardians) and not Guardian.objects.filter(email=email).exists():
            Guardian.objects.filter(pk=guardians[which].pk).update(email=email)
            changed += 1
    ctx.tally("bekende e-mailadressen (uitnodiging)", total=len(KNOWN_ADDRESSES), updated=changed)


def _tally_records(ctx: DemoContext, made: list[Opp]) -> None:
    schools = ctx.schools.values()
    new = [o.pk for o in made]
    for label, model, path in (
        ("OOGO-gesprekken", OogoMeeting, "opp"),
        ("hoorgesprekken", Hearing, "opp"),
        ("instemmingsverzoeken", InstemmingRequest, "version__opp"),
        ("instemmingsbesluiten", InstemmingDecision, "version__opp"),
    ):
        rows = model.objects.filter(**{f"{path}__school__in": schools}).aggregate(
            total=Count("pk"), created=Count("pk", filter=_q(path, new)))
        ctx.tally(label, total=rows["total"], created=rows["created"])


def _q(path: str, pks: list[int]) -> Q:
    return Q(**{f"{path}__pk__in": pks})


class Stories:
    """One method per story in `plans.demo.PLANS`; each returns the plans it made."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.staff = Staff(ctx)
        self.plans = PlanMaker(ctx, self.staff)
        self.clock = self.plans.clock
        self._n = 0

    def tell(self, spec: PlanSpec, pupil: Pupil) -> list[Opp]:
        self.spec = spec
        made = getattr(self, spec.story)(pupil)
        return made if isinstance(made, list) else [made]

    # --- single steps ---------------------------------------------------------------------------------------

    def ib(self, opp: Opp):
        return self.staff.ib(opp.school.code)

    def oogo(self, opp: Opp, *, days_ago: int, uitstroom: bool = True) -> None:
        with self.clock.at(days_ago) as day:
            services.record_oogo(
                user=self.ib(opp), opp=opp, held_on=day, participants="Ouders, mentor/leerkracht en ib'er",
                discussed_handelingsdeel=True, discussed_uitstroomperspectief=uitstroom,
                parents_view="We herkennen het beeld. Thuis merken we vooral dat het druk in het hoofd is na school.",
                agreements="Ouders lezen thuis elke avond samen; over zes weken bellen we hoe het gaat.",
            )

    def hear(self, opp: Opp, *, days_ago: int, evaluation=None) -> None:
        self._n += 1
        with self.clock.at(days_ago) as day:
            services.record_hearing(
                user=self.ib(opp), opp=opp, heard=True, heard_on=day, method=HEARING_METHODS[self._n % 4],
                heard_by="De ib'er, samen met de leerkracht", pupil_view=PUPIL_VIEWS[self._n % len(PUPIL_VIEWS)],
                school_response="We nemen dit mee in de aanpak en bespreken het over zes weken opnieuw.",
                evaluation=evaluation,
            )

    def ask(self, opp: Opp, version, *, days_ago: int, reason: str = "Nieuw plan") -> InstemmingRequest:
        with self.clock.at(days_ago):
            return services.request_instemming(user=self.ib(opp), version=version, reason=reason)

    def decide(self, request: InstemmingRequest, *, days_ago: int, only: int | None = None,
               decision: str = Decision.AKKOORD, reason: str = "") -> None:
        """Every recipient (or only the `only`-th) decides: the demo parents online, the others on paper."""
        recipients = list(InstemmingRecipient.objects.filter(request=request).select_related("guardian").order_by("pk"))
        if only is not None:
            recipients = recipients[only:only + 1]
        for i, recipient in enumerate(recipients):
            guardian = recipient.guardian
            user = guardian.user if guardian is not None and guardian.user_id else None
            with self.clock.at(days_ago):
                if user is not None:
                    services.decide(user=user, recipient=recipient, decision=decision, reason=reason)
                else:
                    scan = ContentFile(DEMO_SCAN, name="formulier.pdf") if decision == Decision.AKKOORD else None
                    services.record_paper_decision(
                        user=self.ib(request.version.opp), recipient=recipient, decision=decision, reason=reason,
                        how=HowGiven.IN_GESPREK if i % 2 else HowGiven.OP_PAPIER, scan=scan,
                    )

    # --- shared beginnings ------------------------------------------------------------------------------

    def sent(self, pupil: Pupil, *, days_ago: int, kind: str = OppKind.EXTRA_SUPPORT, goals: int = 2):
        """Started, discussed with the parents, the pupil heard, (so/vso: advised), sent and asked."""
        plans = self.plans
        opp = plans.start(self.spec, pupil, days_ago=days_ago + 10, support_start=days_ago + 14, kind=kind,
                          goals=goals)
        plans.overleg(opp, days_ago=days_ago + 7)
        self.oogo(opp, days_ago=days_ago + 5)
        self.hear(opp, days_ago=days_ago + 3)
        version = plans.send(opp, days_ago=days_ago)
        request = self.ask(opp, version, days_ago=days_ago)
        if opp.school_type in ("so", "vso"):
            plans.commissie(opp, days_ago=days_ago)  # on the version sent, the same day
        return opp, version, request

    def adopted_plan(self, pupil: Pupil, *, days_ago: int, **kwargs) -> Opp:
        opp, _version, request = self.sent(pupil, days_ago=days_ago + 5, **kwargs)
        self.decide(request, days_ago=days_ago + 2)
        return self.plans.adopt(opp, days_ago=days_ago)

    def adjusted(self, opp: Opp, *, evaluated: int, changed: int) -> None:
        """Evaluated with the decision to adjust; heard and discussed again; the draft changed."""
        evaluation = self.plans.evaluate(opp, days_ago=evaluated, decision="adjust", outcomes=("partly", "not_reached"))
        self.hear(opp, days_ago=evaluated, evaluation=evaluation)
        self.oogo(opp, days_ago=evaluated)
        self.plans.adjust(opp, days_ago=changed)

    # --- the stories ------------------------------------------------------------------------------------

    def adopted(self, pupil: Pupil) -> Opp:
        return self.adopted_plan(pupil, days_ago=145 if self.spec.child else 175)

    def internal(self, pupil: Pupil) -> Opp:
        """Within basisondersteuning (bao/vo): internal, never registered; the school still does the parents'
        steps as good practice, so its checklist is complete too."""
        return self.adopted_plan(pupil, days_ago=110, kind=OppKind.BASISONDERSTEUNING, goals=1)

    def adjusted_waiting(self, pupil: Pupil) -> Opp:
        """Emma: version 1 agreed by both parents and adopted; after the evaluation version 2 waits for both."""
        opp = self.adopted_plan(pupil, days_ago=315)
        self.adjusted(opp, evaluated=21, changed=14)
        version = self.plans.send(opp, days_ago=10)
        self.ask(opp, version, days_ago=10, reason="Aangepast na de evaluatie")
        return opp

    def bijgesteld(self, pupil: Pupil) -> Opp:
        """Adjusted after the evaluation; the new version is not sent yet (version 1 stays in force)."""
        opp = self.adopted_plan(pupil, days_ago=400)
        self.adjusted(opp, evaluated=12, changed=10)
        return opp

    def evaluation_overdue(self, pupil: Pupil) -> Opp:
        """Adopted 400 days ago and never evaluated: the yearly evaluation is overdue (rule 8)."""
        return self.adopted_plan(pupil, days_ago=400)

    def evaluated(self, pupil: Pupil) -> Opp:
        opp = self.adopted_plan(pupil, days_ago=390)
        evaluation = self.plans.evaluate(opp, days_ago=30, decision="continue")
        self.hear(opp, days_ago=30, evaluation=evaluation)
        return opp

    def ended(self, pupil: Pupil) -> Opp | list[Opp]:
        """Ended at the evaluation; at a school where every pupil has an OPP a new plan follows on from it."""
        if self.ctx.schools[self.spec.school].school_type == "bao":
            opp = self.adopted_plan(pupil, days_ago=740)
            evaluation = self.plans.evaluate(opp, days_ago=380, decision="continue")
            self.hear(opp, days_ago=380, evaluation=evaluation)
            self.plans.evaluate(opp, days_ago=20, decision="end", outcomes=("reached",),
                                end_reason="De doelen zijn bereikt; de leerling heeft geen extra ondersteuning meer "
                                           "nodig en volgt het gewone programma.")
            return opp
        opp = self.adopted_plan(pupil, days_ago=390)
        self.plans.evaluate(opp, days_ago=20, decision="end", outcomes=("reached", "partly"),
                            end_reason="De leerling gaat over naar een volgende bouw; een nieuw plan met nieuwe "
                                       "doelen vervangt dit plan.")
        with self.clock.at(18):
            follow_up = start_draft(user=self.ib(opp), pupil=pupil, school=opp.school, carry_over=True)
        return [opp, follow_up]

    def half_agreed(self, pupil: Pupil) -> Opp:
        """Sent to two guardians: one agreed, the other has not decided yet."""
        opp, _version, request = self.sent(pupil, days_ago=20)
        self.decide(request, days_ago=15, only=0)
        return opp

    def refused(self, pupil: Pupil) -> Opp:
        """One guardian does not agree (with a reason): the plan cannot be adopted (rule 4)."""
        opp, _version, request = self.sent(pupil, days_ago=30)
        self.decide(request, days_ago=26, only=1)
        self.decide(request, days_ago=25, only=0, decision=Decision.NIET_AKKOORD,
                    reason="Wij vinden twee keer per week extra instructie te weinig; wij willen ook hulp bij "
                           "rekenen.")
        return opp

    def conversation(self, pupil: Pupil) -> Opp:
        opp, _version, request = self.sent(pupil, days_ago=16)
        self.decide(request, days_ago=12, only=0, decision=Decision.GESPREK_GEWENST,
                    reason="Ik wil eerst met de mentor praten over het huiswerk.")
        return opp

    def waiting(self, pupil: Pupil) -> Opp:
        """Sent and asked; nobody has decided yet."""
        opp, _version, _request = self.sent(pupil, days_ago=15)
        return opp

    def in_overleg_overdue(self, pupil: Pupil) -> Opp:
        """In overleg for weeks, only the handelingsdeel discussed: adoption is overdue at this school."""
        opp = self.plans.start(self.spec, pupil, days_ago=40, support_start=50)
        self.plans.overleg(opp, days_ago=35)
        self.oogo(opp, days_ago=30, uitstroom=False)
        opp.refresh_from_db()
        assert opp.status == OppStatus.IN_OVERLEG
        return opp
