from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("ROD-registratie")

    def ready(self) -> None:
        from opp_portal.health import STUCK_JOB_PROBES

        from .jobs import oldest_stuck_age

        STUCK_JOB_PROBES.answer("rod_export", oldest_stuck_age)  # /healthz
