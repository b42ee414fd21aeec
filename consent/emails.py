"""The mails of the consent steps: plain Dutch with "u" to parents and "je" to a pupil, naming the portal and
the school, links only on the portal's public address (`OPP_PORTAL_URL`). A mail to a family names nobody but
the child (first name) and the ib to contact, and never holds plan content. Sent through the outbox
(`opp_portal.mail.queue_email`); the mails to one recipient share a topic, so the school's page shows whether
they "wordt verstuurd", were sent or failed."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from opp_portal.accounts import PORTAL_NAME, portal_url, wrap_body
from schools.models import Pupil, User

from .contact import ib_contact
from .invitations import invitation_url
from .models import Decision, InstemmingDecision, InstemmingRecipient
from .outreach import NoticeKind, PupilInvitation

SUBJECT_PREFIX = f"[{PORTAL_NAME}] "


def mail_topic(recipient: InstemmingRecipient) -> str:
    """The outbox topic of every mail to one recipient (the request and its reminders)."""
    return f"instemming-recipient:{recipient.uuid}"


def _message(subject: str, lines: list, to: list[str]) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(subject=SUBJECT_PREFIX + str(subject),
                                  body=wrap_body("\n".join(str(x) for x in lines)),
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=to)


def _day(value) -> str:
    return date_format(value, "l j F Y") if value else ""


def _footer(school: str, *, pupil: bool = False) -> list[str]:
    last = (_("Deze e-mail is verstuurd via het %(portal)s van %(school)s. Je kunt niet op deze e-mail antwoorden.")
            if pupil else
            _("Deze e-mail is verstuurd via het %(portal)s van %(school)s. U kunt niet op deze e-mail antwoorden."))
    return ["", _("Met vriendelijke groet,"), school, "", last % {"portal": PORTAL_NAME, "school": school}]


def _contact_lines(opp, request=None, *, pupil: bool = False) -> list[str]:
    contact = ib_contact(opp, request)
    if contact is None:
        line = _("Heb je vragen? Neem dan contact op met %(school)s.") if pupil else _(
            "Heeft u vragen? Neem dan contact op met %(school)s.")
        return [line % {"school": opp.school.name}]
    line = _("Heb je vragen? Neem dan contact op met %(name)s, %(role)s van %(school)s: %(email)s.") if pupil else _(
        "Heeft u vragen? Neem dan contact op met %(name)s, %(role)s van %(school)s: %(email)s.")
    return [line % {"name": contact.name, "role": contact.role, "school": opp.school.name, "email": contact.email}]


def _greeting(recipient_is_pupil: bool) -> str:
    return _("Beste %(first)s,") if recipient_is_pupil else _("Beste ouder of verzorger,")


# --- to the deciding party -----------------------------------------------------------------------------------------

# The request's words to a parent ("u") and to the adult pupil ("je", as on their own page): one message, the
# register chosen once. Each is a whole sentence for the translators.
_INSTEMMING_WORDS = {
    False: {
        "subject": _lazy("Uw instemming gevraagd met het plan van %(child)s"),
        "reminder_subject": _lazy("Herinnering: uw instemming gevraagd met het plan van %(child)s"),
        "reminder": _lazy("Dit is een herinnering: de school heeft uw besluit nog niet ontvangen."),
        "what": _lazy("%(school)s vraagt of u instemt met het handelingsdeel van het ontwikkelingsperspectief (OPP) "
                      "van %(child)s: wat de school doet om %(child)s extra te ondersteunen."),
        "answer_by": _lazy("De school hoort graag vóór %(day)s van u."),
        "soon": _lazy("De school hoort graag zo snel mogelijk van u."),
        "link": _lazy("U leest het plan en geeft uw besluit in het %(portal)s, via deze persoonlijke link:"),
        "sign_in": _lazy("U logt in met een code die wij naar dit e-mailadres sturen. U heeft geen wachtwoord "
                         "nodig. De link is alleen voor u: stuur hem niet door."),
    },
    True: {
        "subject": _lazy("Je instemming gevraagd met je plan"),
        "reminder_subject": _lazy("Herinnering: je instemming gevraagd met je plan"),
        "reminder": _lazy("Dit is een herinnering: de school heeft je besluit nog niet ontvangen."),
        "what": _lazy("%(school)s vraagt of je instemt met het handelingsdeel van je ontwikkelingsperspectief (OPP): "
                      "wat de school doet om je extra te ondersteunen. Je bent 18 jaar of ouder en beslist daarom "
                      "zelf."),
        "answer_by": _lazy("De school hoort graag vóór %(day)s van je."),
        "soon": _lazy("De school hoort graag zo snel mogelijk van je."),
        "link": _lazy("Je leest het plan en geeft je besluit in het %(portal)s, via deze persoonlijke link:"),
        "sign_in": _lazy("Je logt in met een code die wij naar dit e-mailadres sturen. Je hebt geen wachtwoord "
                         "nodig. De link is alleen voor jou: stuur hem niet door."),
    },
}


def instemming_message(recipient: InstemmingRecipient, *, reminder: bool = False) -> EmailMultiAlternatives:
    """The request (or a reminder) with a personal link for exactly this guardian or adult pupil."""
    request = recipient.request
    opp = request.version.opp
    school, child = opp.school.name, opp.pupil.first_name
    person = recipient.person
    own = recipient.pupil_id is not None  # the adult pupil, spoken to as "je" as on their own page
    words = _INSTEMMING_WORDS[own]
    names = {"school": school, "child": child}
    subject = str(words["reminder_subject" if reminder else "subject"]) % names
    lines = [_greeting(own) % {"first": child}, ""]
    if reminder:
        lines += [str(words["reminder"]), ""]
    lines += [str(words["what"]) % names, ""]
    if request.answer_by and request.answer_by >= timezone.localdate():
        lines += [str(words["answer_by"]) % {"day": _day(request.answer_by)}, ""]
    elif request.answer_by:
        lines += [str(words["soon"]), ""]
    lines += [
        str(words["link"]) % {"portal": PORTAL_NAME},
        invitation_url(person, request=request),
        "",
        str(words["sign_in"]),
        "",
        *_contact_lines(opp, request, pupil=own),
        *_footer(school, pupil=own),
    ]
    return _message(subject, lines, [person.email])


def paper_decision_notice(decision: InstemmingDecision) -> EmailMultiAlternatives | None:
    """"De school heeft vastgelegd dat u …": every decision recorded by the school is told to the party it is
    about, with how to object and how to decide online themselves. None when no address is recorded."""
    recipient = decision.recipient
    person = recipient.person
    if not person.email:
        return None
    request = recipient.request
    opp = decision.version.opp
    school, child = opp.school.name, opp.pupil.first_name
    own = recipient.pupil_id is not None
    words = {Decision.AKKOORD: _("akkoord"), Decision.NIET_AKKOORD: _("niet akkoord"),
             Decision.GESPREK_GEWENST: _("eerst een gesprek")}[Decision(decision.decision)]
    moment = timezone.localtime(decision.decided_at)
    facts = {"day": _day(moment.date()), "how": decision.get_how_display(), "decision": words}
    if own:  # the adult pupil, spoken to as "je" as on their own page
        said = [
            _("De school heeft vastgelegd dat je op %(day)s %(how)s over het handelingsdeel van je plan hebt gekozen: "
              "%(decision)s.") % facts,
            _("In het %(portal)s zie je wie van de school dit heeft vastgelegd.") % {"portal": PORTAL_NAME},
            "",
            _("Klopt dit niet? Neem dan zo snel mogelijk contact op met de school. Je kunt ook zelf online je besluit "
              "geven; je laatste besluit telt:"),
        ]
        subject = _("De school heeft je besluit over je plan vastgelegd")
    else:
        plan = _("het plan van %(child)s") % {"child": child}
        said = [
            _("De school heeft vastgelegd dat u op %(day)s %(how)s over het handelingsdeel van %(plan)s hebt gekozen: "
              "%(decision)s.") % {**facts, "plan": plan},
            _("In het %(portal)s ziet u wie van de school dit heeft vastgelegd.") % {"portal": PORTAL_NAME},
            "",
            _("Klopt dit niet? Neem dan zo snel mogelijk contact op met de school. U kunt ook zelf online uw besluit "
              "geven; uw laatste besluit telt:"),
        ]
        subject = _("De school heeft uw besluit over %(plan)s vastgelegd") % {"plan": plan}
    lines = [
        _greeting(own) % {"first": child}, "",
        *said,
        invitation_url(person, request=request),
        "",
        *_contact_lines(opp, request, pupil=own),
        *_footer(school, pupil=own),
    ]
    return _message(subject, lines, [person.email])


def pupil_invitation_message(invitation: PupilInvitation) -> EmailMultiAlternatives:
    """To the pupil, who is spoken to as "je" (as on their own page), never as "u"."""
    pupil: Pupil = invitation.pupil
    school = _school_of(pupil, invitation.invited_by)
    lines = [
        _("Beste %(first)s,") % {"first": pupil.first_name}, "",
        _("%(school)s nodigt je uit voor je eigen pagina in het %(portal)s. Daar lees je je plan (het "
          "ontwikkelingsperspectief) in gewone woorden, en schrijf je op wat je ervan vindt: 'Hoe denk jij erover?'. "
          "De school leest wat je schrijft.") % {"school": school, "portal": PORTAL_NAME},
        "",
        _("Je persoonlijke link:"),
        invitation_url(pupil),
        "",
        _("Je logt in met een code die wij naar dit e-mailadres sturen. Je hebt geen wachtwoord nodig. De link is "
          "alleen voor jou: stuur hem niet door."),
        *_footer(school, pupil=True),
    ]
    return _message(_("Je eigen pagina in het %(portal)s") % {"portal": PORTAL_NAME}, lines, [pupil.email])


def _school_of(pupil: Pupil, user: User | None) -> str:
    enrolments = pupil.enrolments.current().select_related("school")
    if user is not None:
        mine = enrolments.filter(school__memberships__user=user).first()
        if mine is not None:
            return mine.school.name
    first = enrolments.first()
    return first.school.name if first else PORTAL_NAME


# --- to the school ---------------------------------------------------------------------------------------------

def _school_link(opp) -> str:
    return portal_url(reverse("consent:school", kwargs={"opp_uuid": opp.uuid}))


def decision_notice(recipient: InstemmingRecipient) -> EmailMultiAlternatives | None:
    """Tells the staff member who asked that a decision came in; no name, no decision, no plan content."""
    request = recipient.request
    asker = request.requested_by
    if asker is None or not asker.email:
        return None
    opp = request.version.opp
    lines = [
        _("Er is een besluit binnengekomen op een verzoek om instemming dat u heeft verstuurd (%(school)s).")
        % {"school": opp.school.name},
        "",
        _("Bekijk het in het %(portal)s:") % {"portal": PORTAL_NAME},
        _school_link(opp),
    ]
    return _message(_("Nieuw besluit over instemming"), lines, [asker.email])


def attention_notice(opp, kind: str, to: list[str], *, by_pupil: bool = False) -> EmailMultiAlternatives:
    """To the ib: a parent, or the adult pupil who decides themself (`by_pupil`), refused or asked for a
    conversation (rule 4). The child's first name, no reason."""
    child = opp.pupil.first_name
    if by_pupil:
        if kind == NoticeKind.REFUSED:
            subject = _("%(child)s gaat niet akkoord met het eigen plan") % {"child": child}
            first = _("%(child)s beslist als meerderjarige leerling zelf en gaat niet akkoord met het handelingsdeel "
                      "van het plan. Het plan kan zo niet worden vastgesteld.") % {"child": child}
        else:
            subject = _("%(child)s wil eerst een gesprek over het eigen plan") % {"child": child}
            first = _("%(child)s beslist als meerderjarige leerling zelf en wil eerst een gesprek over het "
                      "handelingsdeel van het plan.") % {"child": child}
        contact = _("Neem contact op met %(child)s en leg het gesprek vast.") % {"child": child}
    else:
        if kind == NoticeKind.REFUSED:
            subject = _("Een ouder gaat niet akkoord met het plan van %(child)s") % {"child": child}
            first = _("Een ouder gaat niet akkoord met het handelingsdeel van het plan van %(child)s. Het plan kan "
                      "zo niet worden vastgesteld.") % {"child": child}
        else:
            subject = _("Een ouder wil eerst een gesprek over het plan van %(child)s") % {"child": child}
            first = _("Een ouder wil eerst een gesprek over het handelingsdeel van het plan van %(child)s.") % {
                "child": child}
        contact = _("Neem contact op met de ouder en leg het gesprek vast.")
    lines = [
        first, "",
        contact + " " + _("De reden en de stand leest u in het %(portal)s van %(school)s:") % {
            "portal": PORTAL_NAME, "school": opp.school.name},
        _school_link(opp),
    ]
    return _message(subject, lines, to)
