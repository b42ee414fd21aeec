"""The plan's core shape, as the law fixes it, declared once (see `fields.py` for the vocabulary).

Every field of the draft is here with its label and help text, its part, whether adoption needs it, how a
change to it is told to the parents, and how each page names it. The form, the snapshot, the checklist's
content requirements, the diff, the staff's, parent's and pupil's pages and the PDF iterate this declaration;
adding a field to the core is adding it here (with its model column and a migration).

Schema history of the frozen content (`OppVersion.content["schema"]`):
1. versions frozen before the schema was recorded (no "schema" key);
2. the same content, with "schema": 2 recorded.
"""

from django.utils.translation import gettext_lazy as _

from ..models.opp import OppKind
from .fields import (
    COMPARE,
    FORM,
    PARENT,
    PDF,
    PUPIL,
    STAFF,
    Field,
    Format,
    Kind,
    Part,
    Section,
    Wording,
)

SCHEMA = 2
# What a version frozen before the schema was recorded counts as.
FIRST_SCHEMA = 1

# Long enough for a real plan, short enough to keep it readable for parents.
LONG_TEXT = 4000
SHORT_TEXT = 1500

NOT_FILLED = _("Nog niet ingevuld.")

KIND = Field(
    key="kind", part=Part.PLAN, kind=Kind.CHOICE, label=_("Soort plan"),
    choices={OppKind.EXTRA_SUPPORT: _("OPP (extra ondersteuning)"),
             OppKind.BASISONDERSTEUNING: _("intern plan (basisondersteuning)")},
    change_to={OppKind.EXTRA_SUPPORT: _("Het plan is nu een OPP voor extra ondersteuning."),
               OppKind.BASISONDERSTEUNING: _("Het plan valt nu binnen de basisondersteuning (intern plan van de "
                                             "school).")},
)

PLAN = Section(key=Part.PLAN, fields=(KIND,), titles={COMPARE: _("Plan")}, order=0)

SITUATIE = Section(
    key=Part.SITUATIE,
    titles={STAFF: _("Situatie en ondersteuningsbehoeften"), PDF: _("Over de leerling"),
            PARENT: _("Hoe het nu gaat en wat uw kind nodig heeft"), FORM: _("Situatie en ondersteuningsbehoeften"),
            COMPARE: _("Situatie")},
    intros={FORM: _("Niet verplicht. Alleen wat nodig is om het plan te begrijpen.")},
    order=30, folded_on=(PARENT,),
    fields=(
        Field(
            key="pupil_situation", part=Part.SITUATIE, label=_("Situatie van de leerling (optioneel)"),
            help_text=_("Kort: wat gaat goed en wat is lastig. Geen medische details die niet nodig zijn."), rows=3,
            max_length=LONG_TEXT, change=_("De beschrijving van de situatie van uw kind is veranderd."),
            parent_change=_("Hoe het nu gaat"),
            pages={STAFF: Wording(_("Situatie van de leerling")), PDF: Wording(_("Hoe het nu gaat")),
                   PARENT: Wording()},
        ),
        Field(
            key="support_needs", part=Part.SITUATIE, label=_("Ondersteuningsbehoeften (optioneel)"),
            help_text=_("Wat heeft de leerling nodig om verder te komen? Schrijf het vanuit de leerling: 'Ik heb "
                        "nodig…'."), rows=3, max_length=LONG_TEXT,
            change=_("Wat uw kind nodig heeft (de ondersteuningsbehoeften) is anders beschreven."),
            parent_change=_("Wat uw kind nodig heeft"),
            pages={STAFF: Wording(_("Ondersteuningsbehoeften")),
                   PDF: Wording(_("Wat de leerling nodig heeft"), term=_("ondersteuningsbehoeften")),
                   PARENT: Wording()},
        ),
    ),
)

HANDELINGSDEEL = Section(
    key=Part.HANDELINGSDEEL, content_key="handelingsdeel",
    titles={STAFF: _("Handelingsdeel"), PDF: _("Wat de school gaat doen"), PARENT: _("1. Wat de school doet"),
            PUPIL: _("Dit gaat de school doen om je te helpen"), FORM: _("Handelingsdeel"),
            COMPARE: _("Handelingsdeel")},
    intros={STAFF: _("wat de school doet"), PDF: _("handelingsdeel"),
            PARENT: _("Dit heet het handelingsdeel. Hierover beslist u: akkoord of niet."),
            FORM: _("Wat de school doet. De ouders stemmen hiermee in.")},
    order=10,
    fields=(
        Field(
            key="support_and_guidance", part=Part.HANDELINGSDEEL, label=_("Ondersteuning en begeleiding"),
            help_text=_("Welke ondersteuning en begeleiding geeft de school, hoe vaak en door wie. Geen diagnoses "
                        "of testuitslagen: die horen in het dossier."),
        rows=5, max_length=LONG_TEXT, standard_text="support",
            needed=True, missing=_("Beschrijf de ondersteuning en begeleiding die de school geeft."),
            change=_("De ondersteuning en begeleiding die de school geeft is veranderd."),
            parent_change=_("De hulp en begeleiding die de school geeft"),
            pages={STAFF: Wording(_("Ondersteuning en begeleiding"), empty=NOT_FILLED),
                   PDF: Wording(_("Ondersteuning en begeleiding"), empty=NOT_FILLED),
                   PARENT: Wording(_("Hulp en begeleiding"), empty=""), PUPIL: Wording(empty="")},
        ),
        Field(
            key="deviates_from_regular_programme", part=Part.HANDELINGSDEEL, kind=Kind.YES_NO,
            label=_("Wijkt het programma af van het reguliere programma?"),
            help_text=_("Ja als de leerling voor een of meer vakken een eigen leerlijn of een ander programma "
                        "volgt."),
            compare_label=_("Wijkt af van het reguliere programma"), detail="deviation_description",
            change_set=_("Uw kind volgt nu voor een deel een ander programma dan de klas."),
            change_cleared=_("Uw kind volgt weer het gewone programma van de klas."),
            pages={STAFF: Wording(_("Het programma"), yes=_("Wijkt af van het reguliere programma:"),
                                  no=_("Volgt het reguliere programma.")),
                   PDF: Wording(_("Het lesprogramma"),
                                yes=_("De leerling volgt voor een deel een ander programma dan de klas:"),
                                no=_("De leerling volgt het gewone programma van de klas.")),
                   PARENT: Wording(_("Anders dan de rest van de klas")),
                   PUPIL: Wording(_("Wat je anders doet dan de klas"))},
        ),
        Field(
            key="deviation_description", part=Part.HANDELINGSDEEL, label=_("Hoe wijkt het programma af?"),
            help_text=_("Voor welke vakken of onderdelen, en hoe. Leeg laten als het programma niet afwijkt."),
            rows=3, max_length=LONG_TEXT, compare_label=_("Hoe het programma afwijkt"),
            needed=True, needed_when="deviates_from_regular_programme",
            missing=_("Beschrijf hoe het programma afwijkt van het reguliere programma."),
            change=_("Hoe het programma van uw kind afwijkt van dat van de klas is veranderd."),
            parent_change=_("Anders dan de rest van de klas"),
        ),
        Field(
            key="goals", part=Part.HANDELINGSDEEL, kind=Kind.GOALS, label=_("Doelen"),
            pages={STAFF: Wording(_("Doelen"), empty=_("Er zijn nog geen doelen.")),
                   PDF: Wording(_("Doelen"), empty=_("Er zijn nog geen doelen.")),
                   PARENT: Wording(_("De doelen")), PUPIL: Wording(_("Waar werk je aan?"))},
        ),
    ),
)

UITSTROOMPERSPECTIEF = Section(
    key=Part.UITSTROOMPERSPECTIEF, content_key="uitstroomperspectief",
    titles={STAFF: _("Uitstroomperspectief"), PDF: _("Waar de leerling naartoe werkt"),
            PARENT: _("2. Waar uw kind naartoe gaat"), PUPIL: _("Waar ga je na deze school naartoe?"),
            FORM: _("Uitstroomperspectief"), COMPARE: _("Uitstroomperspectief")},
    anchor="uitstroom",
    intros={PDF: _("uitstroomperspectief"),
            FORM: _("Waar de leerling naar verwachting heen gaat. De school besluit dit na overleg met de ouders."),
            PARENT: _("Dit heet het uitstroomperspectief: welke school of welk vervolg na deze school waarschijnlijk "
                      "past. De school besluit dit na overleg met u; u hoeft hier niet mee in te stemmen.")},
    order=20,
    fields=(
        Field(
            key="uitstroom_option", name="destination", part=Part.UITSTROOMPERSPECTIEF, kind=Kind.OPTION,
            label=_("Verwachte uitstroombestemming"),
            help_text=_("Waar gaat de leerling naar verwachting heen na deze school? Alleen bestemmingen die bij "
                        "deze schoolsoort passen."),
            needed=True, missing=_("de verwachte bestemming"),
            change=_("Het verwachte uitstroomperspectief is veranderd van %(old)s naar %(new)s."),
            change_set=_("Het verwachte uitstroomperspectief is nu %(new)s."),
            change_cleared=_("Het verwachte uitstroomperspectief (%(old)s) is weggehaald."),
            parent_change=_("De verwachte uitstroom"), compare_label=_("Verwachte uitstroombestemming"),
            pages={STAFF: Wording(_("Verwachte bestemming:"), empty=_("nog niet gekozen")),
                   PDF: Wording(_("Verwachte bestemming:"), empty=_("nog niet gekozen")),
                   PARENT: Wording(_("Verwachte uitstroom"), empty=_("Nog niet ingevuld")),
                   PUPIL: Wording()},
        ),
        Field(
            key="uitstroom_justification", name="justification", part=Part.UITSTROOMPERSPECTIEF,
            label=_("Onderbouwing"),
            help_text=_("Waarom deze bestemming past: resultaten, ontwikkeling en wat ouders en leerling zeggen. "
                        "Geen lijst met alle toetsscores."), max_length=LONG_TEXT,
            needed=True, missing=_("de onderbouwing"),
            change=_("De onderbouwing van het uitstroomperspectief is veranderd."),
            parent_change=_("Waarom deze uitstroom"),
            pages={STAFF: Wording(_("Onderbouwing"), empty=NOT_FILLED),
                   PDF: Wording(_("Waarom deze bestemming past"), empty=NOT_FILLED), PARENT: Wording(_("Waarom"))},
        ),
        Field(
            key="bevorderende_factoren", part=Part.UITSTROOMPERSPECTIEF, label=_("Bevorderende factoren"),
            help_text=_("Wat helpt de leerling om het perspectief te halen? Bijvoorbeeld motivatie, steun thuis, "
                        "sterke kanten."), max_length=SHORT_TEXT, rows=3, side_by_side_in_form=True,
            needed=True, missing=_("de bevorderende factoren"),
            change=_("De bevorderende factoren (wat uw kind helpt) zijn veranderd."),
            parent_change=_("Wat uw kind helpt"),
            pages={STAFF: Wording(_("Bevorderende factoren"), empty="–", side_by_side=True),
                   PDF: Wording(_("Wat helpt"), term=_("bevorderende factoren"), empty=NOT_FILLED, side_by_side=True),
                   PARENT: Wording(_("Wat uw kind helpt"))},
        ),
        Field(
            key="belemmerende_factoren", part=Part.UITSTROOMPERSPECTIEF, label=_("Belemmerende factoren"),
            help_text=_("Wat maakt het de leerling moeilijker? Beschrijf het zakelijk, zonder oordeel."),
            max_length=SHORT_TEXT, rows=3, side_by_side_in_form=True,
            needed=True, missing=_("de belemmerende factoren"),
            change=_("De belemmerende factoren (wat het uw kind moeilijker maakt) zijn veranderd."),
            parent_change=_("Wat het moeilijker maakt"),
            pages={STAFF: Wording(_("Belemmerende factoren"), empty="–", side_by_side=True),
                   PDF: Wording(_("Wat het moeilijker maakt"), term=_("belemmerende factoren"), empty=NOT_FILLED,
                                side_by_side=True),
                   PARENT: Wording(_("Wat het moeilijker maakt"))},
        ),
    ),
)

# A goal's parts: a goal counts as complete (and for adoption) when every needed one is filled in.
GOAL = (
    Field(
        key="area", part=Part.HANDELINGSDEEL, label=_("Gebied"), max_length=100, rows=1, needed=True,
        side_by_side_in_form=True,
        too_long=_("Het gebied is te lang: hoogstens %(limit_value)d tekens."),
        help_text=_("Eén woord of een paar: lezen, rekenen, werkhouding, sociaal."),
    ),
    Field(
        key="description", part=Part.HANDELINGSDEEL, label=_("Doel"), max_length=SHORT_TEXT, rows=2, needed=True,
        side_by_side_in_form=True,
        standard_text="goal",
        help_text=_("Het doel in gewone woorden: wat kan de leerling straks? Eén doel per blok."),
        change=_("Het doel '%(goal)s' is anders geformuleerd."), parent_change=_("Het doel '%(goal)s'"),
    ),
    Field(
        key="approach", part=Part.HANDELINGSDEEL, label=_("Aanpak"), max_length=SHORT_TEXT, rows=3, needed=True,
        standard_text="approach",
        help_text=_("Hoe werken we aan dit doel? Concreet: wat, hoe vaak, hoe lang."),
        change=_("De aanpak bij doel '%(goal)s' is veranderd."), parent_change=_("Zo werken we aan doel '%(goal)s'"),
        pages={STAFF: Wording(_("Aanpak"), empty="–"), PDF: Wording(_("Hoe we eraan werken"), empty="–"),
               PARENT: Wording(_("Zo werken we eraan")), PUPIL: Wording(_("Zo ga je het doen:"))},
    ),
    Field(
        key="responsible", part=Part.HANDELINGSDEEL, label=_("Wie doet wat"), max_length=SHORT_TEXT, rows=2,
        needed=True, help_text=_("Wat doen de leerkracht, de ib'er, de ouders en de leerling?"),
        change=_("Wie wat doet bij doel '%(goal)s' is veranderd."), parent_change=_("Wie wat doet bij doel '%(goal)s'"),
        pages={STAFF: Wording(_("Wie doet wat"), empty="–"), PDF: Wording(_("Wie doet wat"), empty="–"),
               PARENT: Wording(_("Wie doet wat")), PUPIL: Wording(_("Wie helpt je:"))},
    ),
    Field(
        key="due_by", part=Part.HANDELINGSDEEL, kind=Kind.DATE, label=_("Streefdatum"), needed=True,
        side_by_side_in_form=True,
        help_text=_("De datum waarop we kijken of het doel bereikt is."),
        change=_("De datum waarop doel '%(goal)s' bereikt moet zijn is veranderd van %(old)s naar %(new)s."),
        parent_change=_("Wanneer doel '%(goal)s' bereikt moet zijn"),
        pages={STAFF: Wording(_("Streefdatum"), empty="–"), PDF: Wording(_("Streefdatum"), empty="–"),
               PARENT: Wording(_("Wanneer")), PUPIL: Wording(_("Wanneer:"))},
    ),
    Field(
        key="measured_by", part=Part.HANDELINGSDEEL, label=_("Hoe gemeten"), max_length=SHORT_TEXT, rows=2,
        side_by_side_in_form=True,
        needed=True, help_text=_("Waaraan zien we dat het doel bereikt is? Een toets, een observatie…"),
        change=_("Hoe gemeten wordt of doel '%(goal)s' bereikt is, is veranderd."),
        parent_change=_("Zo zien we of doel '%(goal)s' gelukt is"),
        pages={STAFF: Wording(_("Hoe gemeten"), empty="–"), PDF: Wording(_("Hoe we zien dat het lukt"), empty="–"),
               PARENT: Wording(_("Zo zien we of het gelukt is"))},
    ),
)

CORE = Format(key="core", schema=SCHEMA, core_sections=(PLAN, SITUATIE, HANDELINGSDEEL, UITSTROOMPERSPECTIEF),
              goal_fields=GOAL)

# The parts of a goal, by name (the model's columns, the form's fields, the frozen goal's keys).
GOAL_FIELDS = CORE.goal_keys
# What `save_draft` accepts besides the content: settings of the plan that no version freezes.
PLAN_SETTINGS = ("support_start_date", "evaluation_cycle_months")
DRAFT_FIELDS = (*PLAN_SETTINGS, *(f.key for f in CORE.fields if not f.is_goals))
