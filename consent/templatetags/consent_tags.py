"""`{% consent_panel opp %}`: on the plan page, the state of overleg, hoorrecht and instemming, with the
links to record them. Consent gives the panel its own context, so the plans views need not know about it."""

from django import template
from django.utils import timezone

from plans.models import OppStatus

from ..access import opp_access
from ..parties import deciding_parties
from ..records import read_records, shown
from ..views.school import not_asked, recipients_of

register = template.Library()


@register.inclusion_tag("consent/_plan_panel.html", takes_context=True)
def consent_panel(context, opp):
    user = context["request"].user
    caps = opp_access(user, opp)
    if not caps.can_keep_consent:
        return {"show": False}
    # The records the page read with its checklist (issue 12: one query for every table), else read them now;
    # what the panel shows is read for this user (`visible_to`), as it always was.
    records = shown(opp)
    if records is None or not records.read_for(user):
        records = read_records(opp, user=user)
    latest = opp.latest_version
    recipients = recipients_of(latest, records)
    asked_now = opp.status == OppStatus.TER_INSTEMMING and latest is not None
    # A plan has a handful of meetings, hearings and views: one list each serves both the latest and the count.
    meetings, hearings, parent_views = records.meetings, records.hearings, records.parent_views
    parties = deciding_parties(opp.pupil, timezone.localdate(), records.guardians) if asked_now else None
    return {
        "show": True,
        "opp": opp,
        "latest": latest,
        "is_ib": caps.can_draft,
        "asked_now": asked_now,
        "recipients": recipients,
        "not_asked": not_asked(opp, recipients, parties) if asked_now else [],
        "last_meeting": meetings[0] if meetings else None,
        "meeting_count": len(meetings),
        "last_hearing": hearings[0] if hearings else None,
        "hearing_count": len(hearings),
        "parent_views": parent_views[:3],
        "parent_view_count": len(parent_views),
        "csrf_token": context.get("csrf_token"),
    }


# --- for the family ------------------------------------------------------------------------------------------------

@register.filter
def masked_email(value: str) -> str:
    from ..invitations import masked

    return masked(value)


@register.filter
def tappable(value):
    """Email addresses, web addresses and phone numbers as links a phone can tap."""
    from ..contact import tappable as make_tappable

    return make_tappable(str(value or ""))


@register.simple_tag(takes_context=True)
def child_states(context, pupils):
    """`{% child_states pupils as states %}`: every child's state at once (a fixed number of queries)."""
    from ..family_state import child_states as states_of

    return states_of(context["request"].user, pupils)


@register.inclusion_tag("consent/_child_state.html")
def child_state(states, pupil):
    return {"state": states.get(pupil.pk), "pupil": pupil}
