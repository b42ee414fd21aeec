from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Ontwikkelingsperspectieven")

    def ready(self) -> None:
        """Answer the questions of the apps to the left (`opp_portal.questions`). Plans' own questions (the
        adoption requirements, the overview's lists, the PDF's blocks, the send route) are answered by consent."""
        from opp_portal.health import STUCK_JOB_PROBES
        from schools.demo import DEMO_STEPS

        from . import digest  # noqa: F401  (registers the Celery task of the leader's daily digest)
        from .demo import seed_plans
        from .pdf_jobs import oldest_stuck_age

        DEMO_STEPS.answer("plans", seed_plans)  # seed_demo: the demo plans, after the schools step
        STUCK_JOB_PROBES.answer("pdf", oldest_stuck_age)  # /healthz
