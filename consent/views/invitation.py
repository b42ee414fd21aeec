"""The personal link in an invitation mail: for exactly one guardian or pupil, at the address the school records.

Signed out, the page offers to send a sign-in code to that recorded address (masked on screen); the code, not
the link, lets someone in, and the first sign-in creates or links their account (`consent.signin`). Signed in
as that person, the link goes straight to the plan. Signed in as anyone else, it shows nothing of the plan and
links nothing. A link that was tampered with, has expired, or whose address the school has since changed is
refused.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opp_portal.accounts import school_names_for, schools_in_words

from ..invitations import InvalidInvitation, Invitation, masked, read_token
from ..signin import claim_records, send_code_to_recorded_address


def _school(invitation: Invitation) -> str:
    if invitation.request is not None:
        return invitation.request.version.opp.school.name
    return schools_in_words(school_names_for(invitation.email))


def _is_person(user, invitation: Invitation) -> bool:
    person = invitation.person
    return person.user_id == user.pk and user.email.lower() == invitation.email


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invite = read_token(token)
    except InvalidInvitation as error:
        return render(request, "consent/invitation_invalid.html", {"expired": error.expired}, status=404)
    user = request.user
    if user.is_authenticated:
        if _is_person(user, invite):
            return redirect(invite.destination())
        if user.email.lower() == invite.email:
            # The account with the address the school recorded is this person's own.
            claim_records(user=user)
            return redirect(invite.destination())
        return render(request, "consent/invitation_other_account.html", {}, status=404)
    if request.method == "POST":
        if send_code_to_recorded_address(request, invite.email):
            confirm = reverse("account_confirm_login_code")
            return redirect(f"{confirm}?{urlencode({'next': invite.destination()})}")
        messages.error(request, _("Je hebt te vaak een code gevraagd. Wacht een paar minuten en probeer het opnieuw.")
                       if invite.is_pupil else
                       _("U heeft te vaak een code gevraagd. Wacht een paar minuten en probeer het opnieuw."))
    context = {"school": _school(invite), "masked_email": masked(invite.email), "is_pupil": invite.is_pupil,
               "asks_pupil": invite.is_pupil and invite.request is not None,
               "child": invite.request.version.opp.pupil.first_name if invite.request and not invite.is_pupil else ""}
    return render(request, "consent/invitation.html", context)
