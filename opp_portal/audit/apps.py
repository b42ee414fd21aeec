from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "opp_portal.audit"
    label = "audit"
    verbose_name = "Audit"
