"""Test-only stand-ins for what the consent app will register: OOGO (rule 1), hearing (rule 5) and
instemming (rules 2-4). They answer the registry's questions from a small in-memory record, so `adopt`
is tested against the registry exactly as it will run with consent. Not production code."""

from dataclasses import dataclass, field

from django.utils import timezone

from plans.requirements import MET, Requirement, Status, missing

HELP = ("U kunt hulp vragen bij het ouder- en jeugdsteunpunt van het samenwerkingsverband, de "
        "onderwijsconsulenten of de Geschillencommissie passend onderwijs.")


@dataclass
class ConsentStandIns:
    oogo: set = field(default_factory=set)  # opp pks with OOGO on both parts
    hearing: set = field(default_factory=set)  # opp pks where the pupil was heard
    # (version pk, decider) -> agreed; a later decision by the same decider replaces the earlier one.
    decisions: dict = field(default_factory=dict)

    def record_oogo(self, opp) -> None:
        self.oogo.add(opp.pk)

    def record_hearing(self, opp) -> None:
        self.hearing.add(opp.pk)

    def decide(self, version, decider, *, agreed: bool) -> None:
        self.decisions[(version.pk, decider)] = agreed

    def agree_all(self, opp, version) -> None:
        """OOGO, hearing and every guardian with gezag agrees to `version`."""
        self.record_oogo(opp)
        self.record_hearing(opp)
        for decider in deciders(opp):
            self.decide(version, decider, agreed=True)

    # --- the registry's questions ---
    def oogo_status(self, opp, version) -> Status:
        return MET if opp.pk in self.oogo else missing("Het overleg met de ouders is nog niet vastgelegd.")

    def hearing_status(self, opp, version) -> Status:
        return MET if opp.pk in self.hearing else missing("Leg vast hoe de leerling is gehoord.")

    def instemming_status(self, opp, version) -> Status:
        if version is None:
            return missing("Het handelingsdeel is nog niet ter instemming voorgelegd.")
        people = deciders(opp)
        answers = {d: self.decisions.get((version.pk, d)) for d in people}
        if any(a is False for a in answers.values()):
            return missing("De ouders stemmen niet in. " + HELP)
        if not people or any(a is None for a in answers.values()):
            return missing("Nog niet iedereen met gezag heeft ingestemd.")
        return MET

    def requirements(self) -> list[Requirement]:
        return [
            Requirement(key="oogo", label="Overleg met de ouders", status=self.oogo_status, order=50),
            Requirement(key="hearing", label="De leerling is gehoord", status=self.hearing_status, order=60),
            Requirement(key="instemming", label="Instemming", status=self.instemming_status, order=70),
        ]


def deciders(opp) -> list:
    """Rule 3: an adult pupil decides; otherwise every guardian with gezag."""
    if opp.pupil.age_on(timezone.localdate()) >= 18:
        return ["pupil"]
    return [f"guardian:{g}" for g in opp.pupil.guardianships.filter(has_gezag=True).values_list("guardian_id", flat=True)]
