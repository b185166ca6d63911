from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pollwatch.accounts"
    label = "accounts"
