from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Overleg, instemming en hoorrecht")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from plans.overview import register_missing_hearing_filter, register_objections
        from plans.pdf import register_consent_summary_provider, register_instemming_provider
        from plans.sending import register_send_route

        from .demo import register_demo_step
        from .pdf_records import instemming_records
        from .requirements import consent_summary, objections, plans_missing_hearing, register_consent_requirements
        from .sending import send_route
        from .signin import claim_on_sign_in

        # Answer the adoption requirements plans expects from us (OOGO, hearing, instemming: rules 1-5).
        register_consent_requirements()
        register_missing_hearing_filter(plans_missing_hearing)
        register_objections(objections)
        register_consent_summary_provider(consent_summary)
        register_send_route(send_route)  # "Versie vastleggen en ter instemming voorleggen" is consent's page
        register_instemming_provider(instemming_records)
        register_demo_step()  # seed_demo: consent records, after the plans step
        # The first sign-in by code links the recorded guardian or invited pupil to the account (consent.signin).
        user_logged_in.connect(claim_on_sign_in, dispatch_uid="consent.claim_on_sign_in")
