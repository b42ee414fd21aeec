"""Words that follow the school type: a vo school has "klassen", "mentoren" and a "zorgcoördinator" where a
primary school has "groepen", "leerkrachten" and an "ib'er"; at so and vso every plan is simply "het OPP"."""

from django.utils.translation import gettext_lazy as _

from schools.models import SchoolType

SECONDARY = (SchoolType.VO, SchoolType.VSO, SchoolType.PRO)

PRIMARY_TERMS = {
    "group": _("groep"), "Group": _("Groep"), "teacher": _("leerkracht"), "Teacher": _("Leerkracht"),
    "ib": _("ib'er"), "Ib": _("Ib'er"), "ib_plural": _("ib'ers"),
    "ib_title": _("intern begeleider"),  # how parents and pupils are told whom to ask
}
SECONDARY_TERMS = {
    "group": _("klas"), "Group": _("Klas"), "teacher": _("mentor"), "Teacher": _("Mentor"),
    "ib": _("zorgcoördinator"), "Ib": _("Zorgcoördinator"), "ib_plural": _("zorgcoördinatoren"),
    "ib_title": _("zorgcoördinator"),
}


def terms_for(school_type: str) -> dict[str, str]:
    terms = SECONDARY_TERMS if school_type in SECONDARY else PRIMARY_TERMS
    return {key: str(value) for key, value in terms.items()}
