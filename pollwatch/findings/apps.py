from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "pollwatch.findings"
    label = "findings"
