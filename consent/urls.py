from django.urls import path

from .views import family, invitation, notices, pupil, school, school_outreach, send

app_name = "consent"

urlpatterns = [
    # The school: overleg, hoorrecht and instemming for one plan.
    path("opp/<uuid:opp_uuid>/instemming/", school.school_page, name="school"),
    path("opp/<uuid:opp_uuid>/instemming/overleg/", school.record_oogo, name="record_oogo"),
    path("opp/<uuid:opp_uuid>/instemming/hoorrecht/", school.record_hearing, name="record_hearing"),
    path("opp/<uuid:opp_uuid>/instemming/vragen/", school.request_instemming, name="request_instemming"),
    path("opp/<uuid:opp_uuid>/versie-voorleggen/", send.send, name="send"),
    path("instemming/ontvanger/<uuid:recipient_uuid>/herinnering/", school.send_reminder, name="send_reminder"),
    path("instemming/ontvanger/<uuid:recipient_uuid>/op-papier/", school.paper_decision, name="paper_decision"),
    path("instemming/besluit/<uuid:decision_uuid>/scan/", school.decision_scan, name="decision_scan"),
    path("instemming/ontvanger/<uuid:recipient_uuid>/niet-bereikbaar/", school_outreach.record_unreachable,
         name="record_unreachable"),
    path("instemming/niet-bereikbaar/<uuid:unreachability_uuid>/bevestigen/", school_outreach.confirm_unreachable,
         name="confirm_unreachable"),
    path("instemming/niet-bereikbaar/<uuid:unreachability_uuid>/intrekken/", school_outreach.withdraw_unreachable,
         name="withdraw_unreachable"),
    path("opp/<uuid:opp_uuid>/instemming/leerling-uitnodigen/", school_outreach.invite_pupil, name="invite_pupil"),
    path("meldingen/", notices.notices, name="notices"),
    path("meldingen/gelezen/", notices.notices_read, name="notices_read"),
    # Parents.
    path("ouders/kind/<uuid:pupil_uuid>/", family.child, name="child"),
    path("ouders/kind/<uuid:pupil_uuid>/logboek/", family.log, name="log"),
    path("ouders/plan/<uuid:opp_uuid>/", family.plan, name="plan"),
    path("ouders/plan/<uuid:opp_uuid>/besluit/", family.decide, name="decide"),
    path("ouders/plan/<uuid:opp_uuid>/mijn-kijk/", family.parent_view, name="parent_view"),
    path("ouders/verzoek/<uuid:request_uuid>/", family.request_link, name="request"),
    # The personal link in an invitation mail.
    path("uitnodiging/<str:token>/", invitation.invitation, name="invitation"),
    # The pupil.
    path("leerling/plan/", pupil.pupil_plans, name="pupil_plans"),
    path("leerling/plan/<uuid:opp_uuid>/", pupil.pupil_plan, name="pupil_plan"),
    path("leerling/<uuid:pupil_uuid>/logboek/", pupil.pupil_log, name="pupil_log"),
]
