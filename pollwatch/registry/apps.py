from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "pollwatch.registry"
    label = "registry"
