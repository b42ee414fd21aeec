"""Mails about a pupil's record: a transfer to confirm, and a guardian's details that changed.

Short, Dutch, formal; no name of the child and nothing of any plan. They go out through
`opp_portal.mail.queue_email` once the transaction commits.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opp_portal.accounts import PORTAL_NAME, portal_url, wrap_body

from .models import Guardian, School


def _portal(path: str) -> str:
    return portal_url(path)


def _message(subject: str, lines: list[str], to: str, school: School) -> EmailMultiAlternatives:
    """Like every mail to a family: the portal in the subject, short lines, signed by the school, no reply."""
    lines = [*lines, "", _("Met vriendelijke groet,"), school.name, "",
             _("Deze e-mail is verstuurd via het %(portal)s van %(school)s. U kunt niet op deze e-mail antwoorden.")
             % {"portal": PORTAL_NAME, "school": school.name}]
    return EmailMultiAlternatives(subject=f"[{PORTAL_NAME}] {subject}",
                                  body=wrap_body("\n".join(str(line) for line in lines)),
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


def _greeting(guardian: Guardian) -> str:
    return _("Beste %(name)s,") % {"name": guardian.full_name} if guardian.full_name else _("Beste ouder/verzorger,")


def transfer_requested(*, guardian: Guardian, school: School) -> EmailMultiAlternatives:
    lines = [
        _greeting(guardian),
        "",
        _("%(school)s heeft uw kind in het OPP-portaal ingeschreven als nieuwe leerling. Wij vragen u te bevestigen "
          "dat dit klopt. Pas daarna kan die school de gegevens gebruiken die al in het portaal staan; tot dan ziet "
          "zij daar niets van.") % {"school": school.name},
        "",
        _("U bevestigt het, of geeft aan dat het niet klopt, in het OPP-portaal:"),
        _portal(reverse("schools:my_children")),
        "",
        _("U logt in met uw e-mailadres en een eenmalige code. Kent u deze school niet, kies dan ‘Dit klopt niet’ en "
          "neem contact op met de huidige school van uw kind."),
    ]
    return _message(str(_("Bevestig de overstap van uw kind")), lines, guardian.email, school)


GUARDIAN_CHANGES = {
    "email": gettext_lazy("uw e-mailadres"),
    "has_gezag": gettext_lazy("of u gezag heeft over uw kind"),
    "unlinked": gettext_lazy("u bent als ouder/verzorger losgekoppeld van uw kind"),
}


def guardian_changed(*, guardian: Guardian, address: str, school: School, changes: list[str]) -> EmailMultiAlternatives:
    """To the address the guardian had before the change, so a change they did not ask for does not go unseen."""
    what = "; ".join(str(GUARDIAN_CHANGES[c]) for c in changes if c in GUARDIAN_CHANGES)
    lines = [
        _greeting(guardian),
        "",
        _("%(school)s heeft in het OPP-portaal uw gegevens gewijzigd: %(what)s.") % {"school": school.name,
                                                                                    "what": what},
    ]
    if "email" in changes:
        lines += ["", _("Berichten over uw kind, zoals verzoeken om instemming, gaan voortaan naar het nieuwe "
                        "e-mailadres; dit adres ontvangt ze niet meer.")]
    lines += ["", _("Heeft u hier niet om gevraagd, of klopt het niet? Neem dan direct contact op met de school.")]
    return _message(str(_("Uw gegevens in het OPP-portaal zijn gewijzigd")), lines, address, school)
