from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pollwatch.audit"
    label = "audit"
