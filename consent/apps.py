from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Overleg, instemming en hoorrecht")

    def ready(self) -> None:
        """Answer the questions plans (and schools) ask of us (`opp_portal.questions`), once."""
        from django.contrib.auth.signals import user_logged_in

        from opp_portal.menu import UNREAD_NOTICES
        from plans.pdf import CONSENT_SUMMARY, INSTEMMING_RECORDS
        from plans.requirements import READ_RECORDS
        from plans.selectors import MISSING_HEARING, OBJECTIONS
        from plans.sending import SEND_ROUTE
        from schools.demo import DEMO_STEPS

        from .demo import seed_consent
        from .outreach import unread_notice_count
        from .pdf_records import instemming_records
        from .records import read_records
        from .requirements import answer_adoption_requirements, consent_summary, objections, plans_missing_hearing
        from .sending import send_route
        from .signin import claim_on_sign_in

        # The adoption requirements plans expects from us (OOGO, hearing, instemming: rules 1-5).
        answer_adoption_requirements()
        MISSING_HEARING.answer(plans_missing_hearing)
        OBJECTIONS.answer(objections)
        CONSENT_SUMMARY.answer(consent_summary)
        INSTEMMING_RECORDS.answer(instemming_records)
        # The plan page reads the records its checklist counts and its consent panel shows at once (issue 12).
        READ_RECORDS.answer(read_records)
        UNREAD_NOTICES.answer(unread_notice_count)  # the menu's "Meldingen" badge
        SEND_ROUTE.answer(send_route)  # "Versie vastleggen en ter instemming voorleggen" is consent's page
        # seed_demo: consent records, after the plans step (INSTALLED_APPS puts plans before consent).
        DEMO_STEPS.answer("consent", seed_consent)
        # The first sign-in by code links the recorded guardian or invited pupil to the account (consent.signin).
        user_logged_in.connect(claim_on_sign_in, dispatch_uid="consent.claim_on_sign_in")
