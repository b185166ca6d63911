from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pollwatch.intake"
    label = "intake"
