"""``pollwatch forms``: install the standard library, check and convert form files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pollwatch.forms.definition import (
    BallotOption,
    FormDefinition,
    FormDefinitionError,
    load_definition,
    load_definition_file,
)
from pollwatch.forms.form_import import IMPORT_SUFFIXES, FormImport, XLSFormError, import_form
from pollwatch.forms.xlsform import export_xform, export_xlsform, export_xlsform_sheets


class Command(BaseCommand):
    help = "Install the standard forms, validate a form file, import or export XLSForm or XForm."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("load-library", help="install or update the standard forms")
        validate = actions.add_parser(
            "validate", help="check a form file (JSON, XLSForm .xlsx/.xls or XForm .xml)"
        )
        validate.add_argument("file", type=Path)
        imported = actions.add_parser(
            "import",
            aliases=["import-xlsform"],
            help="publish a form from an XLSForm (.xlsx, .xls) or an XForm (.xml)",
        )
        imported.add_argument("file", type=Path)
        imported.add_argument("--code", help="form code (default: from the form's id)")
        imported.add_argument(
            "--phase", help="phase (default: the pollwatch_phase setting, else voting)"
        )
        imported.add_argument(
            "--media",
            action="append",
            default=[],
            type=Path,
            metavar="DIR_OR_FILE",
            help="the form's media files: a folder (every file in it) or one file; repeatable",
        )
        for name, text in (("export-xlsform", "XLSForm workbook"), ("export-xform", "XForm XML")):
            exported = actions.add_parser(name, help=f"write a published form as {text}")
            exported.add_argument("code")
            exported.add_argument("--out", type=Path, required=True)
            exported.add_argument("--version", type=int, help="default: the latest version")
            exported.add_argument(
                "--ballot-option",
                action="append",
                default=[],
                metavar="CODE=NAME",
                help="bind per-option questions (PVT form 2); repeat for each option",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load-library":
            self.load_library()
        elif action == "validate":
            self.validate(options["file"])
        elif action in ("import", "import-xlsform"):
            self.import_form(
                options["file"], options["code"], options["phase"], media_files(options["media"])
            )
        else:
            self.export(options, xform=action == "export-xform")

    def load_library(self) -> None:
        from pollwatch.forms.library import library_files
        from pollwatch.forms.services import publish_form_version

        for path in library_files():
            data = json.loads(path.read_text(encoding="utf-8"))
            version = publish_form_version(data)
            self.stdout.write(f"{version.form.code}: version {version.version}")

    def validate(self, path: Path) -> None:
        """Check a file; touches no database."""
        definition = read_form_file(path)
        count = sum(1 for _ in definition.questions())
        self.stdout.write(
            f"{path.name}: valid form {definition.code!r} ({definition.phase}, {count} questions,"
            f" {', '.join(definition.languages)})"
        )

    def import_form(
        self, path: Path, code: str | None, phase: str | None, media: dict[str, Path]
    ) -> None:
        from pollwatch.forms.services import FormServiceError, publish_imported_form

        result = run_import(path, code, phase, media)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        try:
            version = publish_imported_form(result)
        except FormServiceError as error:
            raise CommandError("\n".join(error.errors)) from error
        definition = result.definition
        self.stdout.write(
            f"{version.form.code}: version {version.version} ({definition.phase},"
            f" {sum(1 for _ in definition.questions())} questions, {len(result.media)} media files,"
            f" {len(result.warnings)} warnings)"
        )

    def published(self, code: str, number: int | None) -> Any:
        from pollwatch.forms.models import FormVersion

        versions = FormVersion.objects.filter(form__code=code).order_by("-version")
        if number is not None:
            versions = versions.filter(version=number)
        version = versions.first()
        if version is None:
            raise CommandError(
                f"no published form {code!r}" + (f" version {number}" if number else "")
            )
        return version

    def export(self, options: dict[str, Any], xform: bool) -> None:
        """Write a version as it was imported, or built from its definition."""
        version = self.published(options["code"], options["version"])
        out: Path = options["out"]
        try:
            if xform and version.xform:
                out.write_text(version.xform, encoding="utf-8")
            elif not xform and version.xlsform:
                out.write_bytes(export_xlsform_sheets(version.xlsform))
            else:
                definition = load_definition(version.definition)
                definition = bind_options(definition, options["ballot_option"])
                content = export_xform(definition) if xform else export_xlsform(definition)
                if isinstance(content, str):
                    out.write_text(content, encoding="utf-8")
                else:
                    out.write_bytes(content)
        except XLSFormError as error:
            raise CommandError("\n".join(error.errors)) from error
        self.stdout.write(f"{version.form.code}: written to {out}")


def read_form_file(path: Path) -> FormDefinition:
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    if path.suffix.lower() in IMPORT_SUFFIXES:
        return run_import(path, None, None).definition
    try:
        return load_definition_file(path)
    except FormDefinitionError as error:
        raise CommandError(f"{path.name}:\n" + "\n".join(error.errors)) from error


def media_files(paths: list[Path]) -> dict[str, Path]:
    """Each media file by its name: every file of a folder given, and each file given."""
    files: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            found = sorted(item for item in path.iterdir() if item.is_file())
        elif path.is_file():
            found = [path]
        else:
            raise CommandError(f"--media {path}: no such file or folder")
        for item in found:
            if item.name in files and files[item.name] != item:
                raise CommandError(
                    f"--media: two files are named {item.name!r} ({files[item.name]} and {item})"
                )
            files[item.name] = item
    return files


def run_import(
    path: Path, code: str | None, phase: str | None, media: dict[str, Path] | None = None
) -> FormImport:
    if not path.exists():
        raise CommandError(f"{path}: no such file")
    try:
        return import_form(path, path.name, code=code, phase=phase, media=media)
    except XLSFormError as error:
        raise CommandError("\n".join(f"{path.name}: {e}" for e in error.errors)) from error


def bind_options(definition: FormDefinition, pairs: list[str]) -> FormDefinition:
    if not pairs:
        return definition
    options = []
    for pair in pairs:
        code, separator, name = pair.partition("=")
        if not separator or not code.strip() or not name.strip():
            raise CommandError(f"--ballot-option {pair!r}: write it as CODE=NAME")
        options.append(BallotOption(code.strip(), {"en": name.strip()}))
    try:
        return definition.bind_ballot_options(options)
    except ValueError as error:
        raise CommandError(str(error)) from error
