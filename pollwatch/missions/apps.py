from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "pollwatch.missions"
    label = "missions"
