"""What the demo plans say, and the standard texts of the demo school and board."""

import datetime
from typing import Any

from django.db.models import Q

from schools.demo import DemoContext

from .. import services
from ..models import Opp, StandardText, StandardTextKind

# --- what the plans say ---------------------------------------------------------------------------------------

SUPPORT = {
    "po": (
        "Twee keer per week een half uur extra instructie in een groepje van vier bij de onderwijsassistent. "
        "In de klas zit de leerling vooraan, dicht bij de instructietafel.",
        "Dagelijks een korte check-in met de leerkracht bij binnenkomst; een eigen dagplanning op tafel en "
        "een vaste rustplek in de klas.",
        "Eén keer per week begeleiding door de remedial teacher bij lezen; thuis wordt elke dag samen gelezen.",
    ),
    "vo": (
        "Wekelijks een gesprek met de mentor over planning en huiswerk; extra tijd bij toetsen en toetsen op "
        "een laptop met voorleessoftware.",
        "Twee uur per week begeleiding in het Leerplein; een time-outkaart om even naar de ondersteuningsruimte "
        "te gaan.",
    ),
    "special": (
        "Onderwijs in een kleine groep met een vaste leerkracht en een onderwijsassistent; een vaste dagstructuur "
        "met pictogrammen en korte werkblokken.",
        "Wekelijks begeleiding door de gedragswetenschapper; stage twee dagdelen per week met een jobcoach.",
    ),
}
DEVIATION = {
    "po": "Voor rekenen volgt de leerling een eigen leerlijn op het niveau van eind groep 4.",
    "vo": "De leerling volgt wiskunde op een lager niveau en doet geen tweede moderne vreemde taal.",
    "special": "De leerling volgt voor taal en rekenen de leerroute met aangepaste doelen.",
}
GOALS = {
    "po": (
        {"area": "Lezen", "description": "Leest een tekst op AVI-niveau E5 vlot en zonder fouten.",
         "approach": "Elke dag tien minuten herhaald lezen met een maatje; wekelijks extra instructie.",
         "responsible": "Leerkracht geeft instructie, de onderwijsassistent oefent, ouders lezen thuis mee.",
         "measured_by": "AVI-toets en DMT bij de volgende meting."},
        {"area": "Rekenen", "description": "Maakt sommen tot 100 met het rekenrek en daarna uit het hoofd.",
         "approach": "Korte instructie vooraf in een klein groepje; oefenen met concreet materiaal.",
         "responsible": "Leerkracht en remedial teacher; de leerling oefent thuis met een app.",
         "measured_by": "Methodetoets en observatie van de leerkracht."},
        {"area": "Werkhouding", "description": "Werkt een kwartier zelfstandig aan een taak.",
         "approach": "Een dagplanning met pictogrammen en een timer; complimenten bij elk blok dat lukt.",
         "responsible": "Leerkracht bespreekt de planning elke ochtend; ouders vragen thuis hoe het ging.",
         "measured_by": "Observatielijst van de leerkracht, twee keer per maand."},
    ),
    "vo": (
        {"area": "Plannen", "description": "Plant zelf het huiswerk voor een week in de agenda.",
         "approach": "Elke maandag samen met de mentor de week doornemen; daarna steeds minder hulp.",
         "responsible": "Mentor begeleidt, de leerling vult de planner in, ouders kijken op vrijdag mee.",
         "measured_by": "Ingeleverd huiswerk en het gesprek met de mentor."},
        {"area": "Sociaal-emotioneel", "description": "Gaat rustig om met een conflict in de klas.",
         "approach": "Oefenen met een stappenplan; de time-outkaart gebruiken voordat het misgaat.",
         "responsible": "Mentor en zorgcoördinator; docenten melden hoe het gaat.",
         "measured_by": "Aantal time-outs en meldingen per maand."},
    ),
    "special": (
        {"area": "Zelfstandigheid", "description": "Reist zelfstandig met de bus naar school en terug.",
         "approach": "Eerst samen met een begeleider reizen, daarna een deel alleen met een reiskaart.",
         "responsible": "Leerkracht en ouders oefenen samen; de leerling gebruikt de reis-app.",
         "measured_by": "Vijf keer achter elkaar zonder hulp gereisd."},
        {"area": "Werknemersvaardigheden", "description": "Komt op tijd op stage en meldt zich af als het nodig is.",
         "approach": "Afspraken op een kaartje; wekelijks evalueren met de stagebegeleider.",
         "responsible": "Stagebegeleider en jobcoach; de leerling houdt een stageboekje bij.",
         "measured_by": "Beoordeling van de stageplek na tien weken."},
    ),
}
UITSTROOM = {
    "bao": "vmbo-kb", "sbo": "vmbo-bb", "so": "vso", "vo": "vmbo-kb", "pro": "arbeidsmarkt", "vso": "dagbesteding",
}
JUSTIFICATION = (
    "De resultaten van de afgelopen twee jaar en de ontwikkeling in werkhouding wijzen op dit niveau. "
    "Ouders en leerling zien dit ook zo."
)
BEVORDEREND = "Gemotiveerd, leert goed van voordoen, betrokken ouders."
BELEMMEREND = "Snel afgeleid in een drukke omgeving; moeite met begrijpend lezen."


def family_of(school_type: str) -> str:
    if school_type in ("bao", "sbo"):
        return "po"
    if school_type == "vo":
        return "vo"
    return "special"


def plan_content(opp: Opp, *, variant: int, start: datetime.date, goals: int = 2) -> dict:
    """Both parts of a complete plan, chosen by `variant` from the texts for the school type."""
    family = family_of(opp.school_type)
    pool = GOALS[family]
    chosen: list[dict[str, Any]] = [dict(pool[(variant + i) % len(pool)]) for i in range(min(goals, len(pool)))]
    for i, goal in enumerate(chosen):
        goal["due_by"] = start + datetime.timedelta(days=150 + 30 * i)
    deviates = variant % 3 == 1
    return {
        "support_and_guidance": SUPPORT[family][variant % len(SUPPORT[family])],
        "deviates_from_regular_programme": deviates,
        "deviation_description": DEVIATION[family] if deviates else "",
        "uitstroom_option": UITSTROOM[opp.school_type],
        "uitstroom_justification": JUSTIFICATION,
        "bevorderende_factoren": BEVORDEREND,
        "belemmerende_factoren": BELEMMEREND,
        "goals": chosen,
    }


# --- the standard texts ---------------------------------------------------------------------------------------

SCHOOL_TEXTS = (  # OBS De Vlinderboom (99AA00)
    (StandardTextKind.SUPPORT, "Extra instructie in een klein groepje",
     "Twee keer per week een half uur extra instructie in een groepje van hoogstens vier leerlingen, "
     "door de onderwijsassistent."),
    (StandardTextKind.SUPPORT, "Vaste plek en dagplanning",
     "De leerling zit dicht bij de instructietafel en werkt met een eigen dagplanning met pictogrammen."),
    (StandardTextKind.SUPPORT, "Begeleiding door de remedial teacher",
     "Eén keer per week een half uur begeleiding door de remedial teacher, gericht op de doelen hieronder."),
    (StandardTextKind.SUPPORT, "Rustige werkplek",
     "De leerling kan in het stiltelokaal werken als het in de klas te druk is."),
    (StandardTextKind.APPROACH, "Herhaald lezen",
     "Elke dag tien minuten herhaald lezen met een maatje; de leerkracht luistert twee keer per week mee."),
    (StandardTextKind.APPROACH, "Rekenen met concreet materiaal",
     "Korte instructie vooraf (pre-teaching) en oefenen met het rekenrek en MAB-materiaal."),
    (StandardTextKind.APPROACH, "Werken met een timer",
     "Werkblokken van tien minuten met een time-timer; na elk blok een korte pauze en een compliment."),
    (StandardTextKind.APPROACH, "Stappenplan bij ruzie",
     "Oefenen met het stappenplan stop-denk-doe; na een conflict een kort gesprek met de leerkracht."),
    (StandardTextKind.GOAL, "Lezen: AVI E5",
     "De leerling leest een tekst op AVI-niveau E5 vlot en zonder fouten."),
    (StandardTextKind.GOAL, "Rekenen tot 100",
     "De leerling maakt optel- en aftreksommen tot 100 uit het hoofd."),
    (StandardTextKind.GOAL, "Zelfstandig werken",
     "De leerling werkt een kwartier zelfstandig aan een taak zonder hulp te vragen."),
    (StandardTextKind.GOAL, "Hulp vragen",
     "De leerling vraagt op een rustige manier om hulp als hij of zij vastloopt."),
)
BOARD_TEXTS = (  # Stichting Openbaar Onderwijs Rijnvallei (99001), for all its schools
    (StandardTextKind.SUPPORT, "Arrangement van het samenwerkingsverband",
     "De leerling krijgt een arrangement van het samenwerkingsverband: wekelijks begeleiding door een "
     "ambulant begeleider en overleg met de leerkracht."),
    (StandardTextKind.SUPPORT, "Aangepaste toetsing",
     "Toetsen met extra tijd, in een rustige ruimte en waar nodig voorgelezen."),
    (StandardTextKind.SUPPORT, "Samenwerking met de jeugdhulp",
     "De school overlegt eens in de zes weken met de jeugdhulp, met toestemming van de ouders."),
    (StandardTextKind.APPROACH, "Voordoen, samen doen, zelf doen",
     "De leerkracht doet de aanpak voor, daarna doen leerkracht en leerling het samen, daarna de leerling zelf."),
    (StandardTextKind.APPROACH, "Wekelijks kort evalueren",
     "Elke week vijf minuten met de leerling terugkijken: wat ging goed, wat oefenen we volgende week."),
    (StandardTextKind.APPROACH, "Thuis en school samen",
     "Ouders oefenen thuis hetzelfde als op school; de leerkracht stuurt elke week een kort bericht."),
    (StandardTextKind.GOAL, "Taakgericht werken",
     "De leerling begint zelf aan een taak en maakt die af binnen de afgesproken tijd."),
    (StandardTextKind.GOAL, "Omgaan met tegenslag",
     "De leerling blijft rustig als iets niet lukt en probeert het op een andere manier."),
    (StandardTextKind.GOAL, "Begrijpend lezen",
     "De leerling haalt de hoofdgedachte uit een korte tekst en vertelt die in eigen woorden na."),
)


def seed_standard_texts(ctx: DemoContext) -> None:
    school, board = ctx.schools["99AA00"], ctx.boards["99001"]
    have = set(
        StandardText.objects.filter(Q(school=school) | Q(board=board)).values_list("school_id", "kind", "title")
    )
    owners = (
        (SCHOOL_TEXTS, {"school": school}, school.pk, "ib@bao.demo.opp"),
        (BOARD_TEXTS, {"board": board}, None, "bestuur@demo.opp"),
    )
    created = 0
    for texts, owner, school_id, email in owners:
        for kind, title, text in texts:
            if (school_id, kind, title) not in have:
                services.add_standard_text(user=ctx.accounts[email].user, kind=kind, title=title, text=text, **owner)
                created += 1
    ctx.tally("standaardteksten", total=len(SCHOOL_TEXTS) + len(BOARD_TEXTS), created=created)
