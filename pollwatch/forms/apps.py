from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "pollwatch.forms"
    label = "forms"
