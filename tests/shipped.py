"""The rows the data migrations ship (directive types, the report forms and their reminder ladders, the
working calendar's known swaps, the registers' kinds of matter, reception rules and bindings).

A transactional test empties every table when it ends. The next test that commits (a browser test, a
Celery worker's) finds them again: they are put back by the migrations' own functions, in their order."""

import importlib

from django.apps import apps

# (migration module, function) in the order ``migrate`` runs them.
SEEDS = [
    ("directives.migrations.0002_seed_directive_types", "seed"),
    ("reports.migrations.0002_default_forms", "install"),
    ("reports.migrations.0004_default_reminder_ladders", "install"),
    ("reports.migrations.0008_working_calendar", "ship_known_swaps"),
    ("reports.migrations.0010_issuing_body_and_signature", "forward"),
    ("registers.migrations.0001_registers", "install_shipped"),
]


def put_back() -> bool:
    """Ship the rows again if the tables were emptied; whether it had to."""
    from directives.models import DirectiveType

    if DirectiveType.objects.exists():
        return False
    for module, function in SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)
    return True
