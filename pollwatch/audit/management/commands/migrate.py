"""Django's ``migrate``, run as the owner role when ``POLLWATCH_MIGRATE_DATABASE_URL`` is set."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from pollwatch.audit.database_roles import use_owner_role


class Command(DjangoMigrate):
    help = (
        DjangoMigrate.help + " On PostgreSQL with POLLWATCH_MIGRATE_DATABASE_URL set, it connects "
        "as that (owner) role and then grants the application role its privileges."
    )

    def handle(self, *args, **options):
        owner_url = settings.POLLWATCH_MIGRATE_DATABASE_URL
        if owner_url and options["database"] == DEFAULT_DB_ALIAS:
            use_owner_role(connections[DEFAULT_DB_ALIAS], owner_url)
        super().handle(*args, **options)
