from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "pollwatch.demo"
    label = "demo"
