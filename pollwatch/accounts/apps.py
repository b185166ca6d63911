from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pollwatch.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from pollwatch.accounts.language import apply_at_login

        user_logged_in.connect(apply_at_login, dispatch_uid="pollwatch.accounts.language")
