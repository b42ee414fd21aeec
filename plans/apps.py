from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Ontwikkelingsperspectieven")

    def ready(self) -> None:
        from . import digest  # noqa: F401  (registers the Celery task of the leader's daily digest)
        from .demo import register_demo_step
        from .requirements import register_plans_requirements

        # Apps to the right (consent) add their own requirements in their ready().
        register_plans_requirements()
        register_demo_step()  # seed_demo: the demo plans

        from opp_portal.health import register_stuck_job_probe

        from .pdf_jobs import oldest_stuck_age

        register_stuck_job_probe("pdf", oldest_stuck_age)  # /healthz
