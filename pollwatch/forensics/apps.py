from django.apps import AppConfig


class ForensicsConfig(AppConfig):
    name = "pollwatch.forensics"
    label = "forensics"
