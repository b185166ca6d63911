"""The ``pollwatch`` command: every terminal action, as Django management commands.

``pollwatch stations import FILE --election SLUG`` runs the ``stations``
command with the ``import`` action; ``pollwatch help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pollwatch.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pollwatch", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
