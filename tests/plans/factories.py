"""Plan factories and helpers; plans in a given state are built through the services, as users would."""

import datetime

import factory
from factory.django import DjangoModelFactory

from plans import services
from plans.models import Opp, OppKind, StandardText, UitstroomOption
from tests.factories import SchoolFactory, enrolled_pupil, parent_of, staff


class OppFactory(DjangoModelFactory):
    """A bare draft row, for reads (access, deadlines); lifecycle tests use the services instead."""

    class Meta:
        model = Opp

    school = factory.SubFactory(SchoolFactory)
    pupil = factory.LazyAttribute(lambda o: enrolled_pupil(o.school))
    school_type = factory.LazyAttribute(lambda o: o.school.school_type)
    kind = OppKind.EXTRA_SUPPORT


class StandardTextFactory(DjangoModelFactory):
    class Meta:
        model = StandardText

    school = factory.SubFactory(SchoolFactory)
    kind = "goal"
    title = factory.Sequence(lambda n: f"Standaardtekst {n}")
    text = "Technisch lezen op AVI-niveau E5."


def goal(area: str = "Lezen", **fields) -> dict:
    data = {
        "area": area,
        "description": f"{area}: een stap verder komen",
        "approach": "Elke dag tien minuten oefenen met de leerkracht.",
        "responsible": "Leerkracht oefent, ouders lezen thuis voor.",
        "due_by": datetime.date(2027, 6, 30),
        "measured_by": "Toets in juni.",
    }
    data.update(fields)
    return data


def option_for(school_type: str, code: str | None = None) -> UitstroomOption:
    options = UitstroomOption.objects.for_school_type(school_type)
    return options.get(code=code) if code else options.first()


def full_content(opp: Opp, *, goals: list[dict] | None = None, destination: str | None = None) -> dict:
    return {
        "support_and_guidance": "Twee keer per week extra leesbegeleiding in een klein groepje.",
        "deviates_from_regular_programme": False,
        "uitstroom_option": option_for(opp.school_type, destination),
        "uitstroom_justification": "Resultaten en werkhouding wijzen op dit niveau.",
        "bevorderende_factoren": "Gemotiveerd, steun van thuis.",
        "belemmerende_factoren": "Snel afgeleid, moeite met begrijpend lezen.",
        "goals": goals if goals is not None else [goal("Lezen")],
    }


class PlanWorld:
    """One school with an ib, a school leader and a pupil; helpers that move a plan through its life."""

    def __init__(self, school_type: str = "bao"):
        self.school = SchoolFactory(school_type=school_type)
        self.ib = staff("ib", school=self.school)
        self.leader = staff("school_leader", school=self.school)
        self.pupil = enrolled_pupil(self.school, group="5")
        # Two parents with gezag, both with a login.
        self.mother = parent_of(self.pupil)
        self.father = parent_of(self.pupil)

    def start(self, **kwargs) -> Opp:
        kwargs.setdefault("pupil", self.pupil)
        return services.start_draft(user=self.ib, school=self.school, **kwargs)

    def fill(self, opp: Opp, **kwargs) -> Opp:
        return services.save_draft(user=self.ib, opp=opp, expected_revision=opp.revision,
                                   changes=full_content(opp, **kwargs))

    def send(self, opp: Opp, **kwargs):
        opp.refresh_from_db()
        return services.freeze_version(user=self.ib, opp=opp, expected_revision=opp.revision, **kwargs)

    def reopen(self, opp: Opp, reason: str = "De ouders willen meer hulp bij rekenen.") -> Opp:
        """'Plan aanpassen' or 'Plan bijstellen': the explicit step before a sent or adopted plan changes."""
        opp.refresh_from_db()
        return services.start_adjustment(user=self.ib, opp=opp, reason=reason)

    def change(self, opp: Opp, changes: dict) -> Opp:
        """Change the plan as the ib would: first reopen it when it was sent or adopted, then type."""
        opp.refresh_from_db()
        if not opp.is_editable:
            opp = self.reopen(opp)
        return services.save_draft(user=self.ib, opp=opp, expected_revision=opp.revision, changes=changes)

    def sent(self, **kwargs):
        opp = self.fill(self.start(), **kwargs)
        return opp, self.send(opp)
