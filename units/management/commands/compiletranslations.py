"""Compile the project's ``.po`` catalogues into ``.mo`` files without the gettext binaries.

Django's own ``compilemessages`` shells out to ``msgfmt``, which a server or a ward office's PC
may not have. polib (pure Python) writes the same ``.mo`` files: fuzzy, obsolete and untranslated
entries are left out, exactly as ``msgfmt`` does. A catalogue is only rewritten when its ``.po`` is
newer than its ``.mo``, so running this before every start costs almost nothing.

A translation whose placeholders do not match its source string would fail only when the page is
rendered (``KeyError`` in ``%(name)s``); such entries stop the compilation here instead.
"""

import os
import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Folders under the project root that never hold the project's own catalogues.
SKIP_DIRS = {".venv", "venv", "node_modules", ".git", "data", "static", "__pycache__", ".pytest_cache", ".ruff_cache"}

# printf-style placeholders as Python's % operator reads them: %(name)s, %s, %d, %.2f …; %% is a literal.
PERCENT_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
BRACE_PLACEHOLDER = re.compile(r"(?<!\{)\{(?P<name>[^{}!:]*)[^{}]*\}(?!\})")


def find_catalogues(root: Path, extra_dirs: list[Path]) -> list[Path]:
    """Every ``<lang>/LC_MESSAGES/*.po`` under the project root and the configured locale paths."""
    found: set[Path] = set()
    for base in [root, *extra_dirs]:
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
            if Path(dirpath).name != "LC_MESSAGES":
                continue
            found.update(Path(dirpath, f).resolve() for f in filenames if f.endswith(".po"))
    return sorted(found)


def _percent_placeholders(text: str) -> tuple[set[str], int]:
    named, positional = set(), 0
    for match in PERCENT_PLACEHOLDER.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group("name"))
        else:
            positional += 1
    return named, positional


def placeholder_problems(entry: polib.POEntry) -> list[str]:
    """What in this entry's translations would break ``%`` or ``str.format`` at run time."""
    translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    problems = []
    if "python-format" in entry.flags:
        source_named: set[str] = set()
        source_positional = set()
        for source in sources:
            named, positional = _percent_placeholders(source)
            source_named |= named
            source_positional.add(positional)
        for text in filter(None, translations):
            named, positional = _percent_placeholders(text)
            if named - source_named:
                problems.append(f"unknown placeholder(s) {sorted(named - source_named)} in {text!r}")
            if positional not in source_positional:
                problems.append(
                    f"{positional} positional placeholder(s) in {text!r}, source has {sorted(source_positional)}"
                )
    if "python-brace-format" in entry.flags:
        source_names = {m.group("name") for source in sources for m in BRACE_PLACEHOLDER.finditer(source)}
        for text in filter(None, translations):
            names = {m.group("name") for m in BRACE_PLACEHOLDER.finditer(text)}
            if names - source_names:
                problems.append(f"unknown placeholder(s) {sorted(names - source_names)} in {text!r}")
    return problems


class Command(BaseCommand):
    help = "Compile the project's locale/*/LC_MESSAGES/*.po files into .mo files (pure Python, no gettext needed)."

    # Compiling catalogues must work even while the project has check errors, to be able to fix them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rewrite every .mo, even those newer than their .po.")

    def handle(self, *args, force: bool = False, **options):
        root = Path(settings.BASE_DIR)
        catalogues = find_catalogues(root, [Path(p) for p in settings.LOCALE_PATHS])
        if not catalogues:
            self.stdout.write("No .po files found.")
            return
        compiled = 0
        for po_path in catalogues:
            mo_path = po_path.with_suffix(".mo")
            if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                catalogue = polib.pofile(str(po_path), wrapwidth=0)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            problems = [
                f"{po_path}:{entry.linenum}: {problem}"
                for entry in catalogue.translated_entries()
                for problem in placeholder_problems(entry)
            ]
            if problems:
                raise CommandError("Translations with mismatched placeholders:\n" + "\n".join(problems))
            # Written next to the target and renamed, so a running server never reads half a file.
            tmp_path = mo_path.with_suffix(".mo.tmp")
            catalogue.save_as_mofile(str(tmp_path))
            os.replace(tmp_path, mo_path)
            compiled += 1
            shown = po_path.relative_to(root) if po_path.is_relative_to(root) else po_path
            self.stdout.write(
                f"Compiled {shown} ({len(catalogue.translated_entries())} translated, "
                f"{len(catalogue.untranslated_entries())} untranslated, {len(catalogue.fuzzy_entries())} fuzzy)"
            )
        if compiled == 0 and options["verbosity"] > 1:
            self.stdout.write("All .mo files are up to date.")
