from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "pollwatch.audit"
    label = "audit"

    def ready(self) -> None:
        from pollwatch.audit.database_roles import grant_application_role

        post_migrate.connect(grant_application_role, sender=self)
