from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Overleg, instemming en hoorrecht")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from plans.overview import register_missing_hearing_filter
        from plans.pdf import register_instemming_provider

        from .demo import register_demo_step
        from .pdf_records import instemming_records
        from .requirements import plans_missing_hearing, register_consent_requirements
        from .signin import claim_on_sign_in

        # Answer the adoption requirements plans expects from us (OOGO, hearing, instemming: rules 1-5).
        register_consent_requirements()
        register_missing_hearing_filter(plans_missing_hearing)
        register_instemming_provider(instemming_records)
        register_demo_step()  # seed_demo: consent records, after the plans step
        # The first sign-in by code links the recorded guardian or invited pupil to the account (consent.signin).
        user_logged_in.connect(claim_on_sign_in, dispatch_uid="consent.claim_on_sign_in")
