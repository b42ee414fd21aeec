"""The emails of the instemming request: short, Dutch, a link to the portal and the school's reason;
never any plan content. Sent through the outbox (`opp_portal.mail.queue_email`), under the recipient's topic,
so the school's page shows per recipient whether the mail "wordt verstuurd", was sent or failed."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import InstemmingRecipient

DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


def mail_topic(recipient: InstemmingRecipient) -> str:
    """The outbox topic of every mail to one recipient (the request and its reminders)."""
    return f"instemming-recipient:{recipient.uuid}"


def portal_link(recipient: InstemmingRecipient) -> str:
    """Where the recipient decides; they sign in there (the link itself grants nothing)."""
    base = getattr(settings, "OPP_PORTAL_URL", DEFAULT_PORTAL_URL).rstrip("/")
    try:
        path = reverse("consent:request", kwargs={"request_uuid": recipient.request.uuid})
    except NoReverseMatch:  # the parent pages are not built yet
        path = "/"
    return base + path


def instemming_message(recipient: InstemmingRecipient, *, reminder: bool = False) -> EmailMultiAlternatives:
    request = recipient.request
    school = request.version.opp.school.name
    whose = _("uw eigen ontwikkelingsperspectief") if recipient.pupil_id else _(
        "het ontwikkelingsperspectief (OPP) van uw kind")
    subject = _("Herinnering: uw instemming gevraagd") if reminder else _("Uw instemming gevraagd")
    lines = [
        _("Beste %(name)s,") % {"name": recipient.name},
        "",
        (_("Dit is een herinnering. ") if reminder else "")
        + _("%(school)s vraagt uw instemming met het handelingsdeel van %(whose)s.") % {"school": school,
                                                                                         "whose": whose},
        "",
        _("Reden van het verzoek: %(reason)s") % {"reason": request.reason},
        "",
        _("U leest het plan en geeft uw besluit in het OPP-portaal:"),
        portal_link(recipient),
        "",
        _("U logt in met uw e-mailadres en een eenmalige code. Heeft u vragen, neem dan contact op met de school."),
    ]
    return EmailMultiAlternatives(subject=str(subject), body="\n".join(str(line) for line in lines),
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email])


def decision_notice(recipient: InstemmingRecipient) -> EmailMultiAlternatives | None:
    """Tells the staff member who asked that a decision came in; no name, no decision, no plan content."""
    request = recipient.request
    asker = request.requested_by
    if asker is None or not asker.email:
        return None
    base = getattr(settings, "OPP_PORTAL_URL", DEFAULT_PORTAL_URL).rstrip("/")
    link = base + reverse("consent:school", kwargs={"opp_uuid": request.version.opp.uuid})
    lines = [
        _("Er is een besluit binnengekomen op een verzoek om instemming dat u heeft verstuurd."),
        "",
        _("Bekijk het in het OPP-portaal:"),
        link,
    ]
    return EmailMultiAlternatives(subject=str(_("Nieuw besluit over instemming")), body="\n".join(str(x) for x in lines),
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=[asker.email])
