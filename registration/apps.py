from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = _("ROD-registratie")

    def ready(self) -> None:
        from opp_portal.health import register_stuck_job_probe

        from .jobs import oldest_stuck_age

        register_stuck_job_probe("rod_export", oldest_stuck_age)  # /healthz
