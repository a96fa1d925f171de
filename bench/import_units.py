"""How long importing the official unit lists takes, into an empty database.

``current``: the two-tier list (34 provinces, 3,321 communes); ``legacy``: the pre-2025 list and its
successor links on top of it; ``rerun``: both again, which must find nothing to change.
"""

from _common import figure, setup, timer

setup("import")

from django.core.management import call_command  # noqa: E402


def import_units(*args: str) -> None:
    call_command("import_units", *args, "--no-progress", verbosity=0)


with timer() as current:
    import_units()
with timer() as legacy:
    import_units("--legacy")
with timer() as rerun:
    import_units()
    import_units("--legacy")

figure("import_units current", current["s"], "s")
figure("import_units legacy", legacy["s"], "s")
figure("import_units rerun", rerun["s"], "s")
