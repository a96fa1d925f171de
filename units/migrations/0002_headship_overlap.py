"""The database itself refuses overlapping headships.

On PostgreSQL: exclusion constraints over date ranges (btree_gist lets the unit id take part).
On SQLite (the embedded default): triggers that abort the same inserts and updates.
Two rules: one holder per post (unit, title) at a time, and one accountable head per unit.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE units_headship ADD CONSTRAINT headship_post_no_overlap EXCLUDE USING gist (
        unit_id WITH =, lower(title) WITH =,
        daterange(started_on, ended_on, '[]') WITH &&)""",
    """ALTER TABLE units_headship ADD CONSTRAINT headship_principal_no_overlap EXCLUDE USING gist (
        unit_id WITH =, daterange(started_on, ended_on, '[]') WITH &&) WHERE (is_principal)""",
]
PG_BACKWARD = [
    "ALTER TABLE units_headship DROP CONSTRAINT IF EXISTS headship_post_no_overlap",
    "ALTER TABLE units_headship DROP CONSTRAINT IF EXISTS headship_principal_no_overlap",
]

_SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'headship_no_overlap') FROM units_headship h
    WHERE h.unit_id = NEW.unit_id AND h.id != NEW.id
      AND (lower(h.title) = lower(NEW.title) OR (h.is_principal AND NEW.is_principal))
      AND (h.ended_on IS NULL OR h.ended_on >= NEW.started_on)
      AND (NEW.ended_on IS NULL OR h.started_on <= NEW.ended_on);
"""
SQLITE_FORWARD = [
    f"CREATE TRIGGER headship_no_overlap_insert BEFORE INSERT ON units_headship BEGIN {_SQLITE_CLASH} END",
    f"CREATE TRIGGER headship_no_overlap_update BEFORE UPDATE ON units_headship BEGIN {_SQLITE_CLASH} END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS headship_no_overlap_insert",
    "DROP TRIGGER IF EXISTS headship_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
