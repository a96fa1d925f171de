"""Deputies may share a title: a People's Committee has one chairman at a time but often two deputies
(*Phó Chủ tịch UBND*). The one-holder-per-post rule of 0002 now leaves deputies' posts out; the rule of one
accountable head per unit is unchanged. On SQLite the triggers are replaced (any later migration that
rebuilds the table must put these back, as 0003 did for 0002's)."""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE units_headship DROP CONSTRAINT IF EXISTS headship_post_no_overlap",
    """ALTER TABLE units_headship ADD CONSTRAINT headship_post_no_overlap EXCLUDE USING gist (
        unit_id WITH =, lower(title) WITH =,
        daterange(started_on, ended_on, '[]') WITH &&) WHERE (NOT is_deputy)""",
]
PG_BACKWARD = [
    "ALTER TABLE units_headship DROP CONSTRAINT IF EXISTS headship_post_no_overlap",
    """ALTER TABLE units_headship ADD CONSTRAINT headship_post_no_overlap EXCLUDE USING gist (
        unit_id WITH =, lower(title) WITH =,
        daterange(started_on, ended_on, '[]') WITH &&)""",
]

_SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'headship_no_overlap') FROM units_headship h
    WHERE h.unit_id = NEW.unit_id AND h.id != NEW.id
      AND ((lower(h.title) = lower(NEW.title) AND NOT h.is_deputy AND NOT NEW.is_deputy)
           OR (h.is_principal AND NEW.is_principal))
      AND (h.ended_on IS NULL OR h.ended_on >= NEW.started_on)
      AND (NEW.ended_on IS NULL OR h.started_on <= NEW.ended_on);
"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS headship_no_overlap_insert",
    "DROP TRIGGER IF EXISTS headship_no_overlap_update",
]
SQLITE_FORWARD = [
    *SQLITE_DROP,
    f"CREATE TRIGGER headship_no_overlap_insert BEFORE INSERT ON units_headship BEGIN {_SQLITE_CLASH} END",
    f"CREATE TRIGGER headship_no_overlap_update BEFORE UPDATE ON units_headship BEGIN {_SQLITE_CLASH} END",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def _sqlite_backward(apps, schema_editor):
    import importlib

    if schema_editor.connection.vendor == "sqlite":
        overlap = importlib.import_module("units.migrations.0002_headship_overlap")
        for sql in [*SQLITE_DROP, *overlap.SQLITE_FORWARD]:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    _run({"postgresql": PG_BACKWARD})(apps, schema_editor)
    _sqlite_backward(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("units", "0003_headship_function")]

    operations = [
        migrations.RunPython(_run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}), backward),
    ]
