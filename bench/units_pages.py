"""Unit tree and unit page with the full national data loaded (current and legacy lists).

Prints the query count and median time of each page; the counts must not grow with the data.
"""

from _common import figure, measure_page, setup

setup("units")

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from units.models import RoleGrant, Unit, User  # noqa: E402

call_command("import_units", "--legacy", "--no-progress", verbosity=0)
nation = Unit.objects.get(kind=Unit.Kind.NATION)
ha_noi = Unit.objects.get(code_scheme="2025", code="01")
ward = Unit.objects.get(code_scheme="2025", code="09367")  # Phường Từ Sơn
admin = User.objects.create_user("bench-admin", password="x")
RoleGrant.objects.create(user=admin, role=RoleGrant.Role.ADMIN, unit=nation)
staff = User.objects.create_user("bench-staff", password="x")
RoleGrant.objects.create(user=staff, role=RoleGrant.Role.STAFF, unit=ward.parent)

figure("units loaded", Unit.objects.count(), "units")
client = Client()
client.force_login(admin)
pages = {
    "unit tree national": reverse("units:unit_tree"),
    "unit tree children of the nation": reverse("units:unit_children", args=[nation.pk]),
    "unit tree children of Ha Noi": reverse("units:unit_children", args=[ha_noi.pk]),
    "unit search national": reverse("units:unit_tree") + "?q=tu+son&closed=1",
    "unit page of the nation": nation.get_absolute_url(),
    "unit page of a province": ha_noi.get_absolute_url(),
    "unit page of a ward": ward.get_absolute_url(),
}
for name, url in pages.items():
    queries, ms = measure_page(client, url)
    figure(f"{name} queries", queries, "queries")
    figure(f"{name} time", ms, "ms")

client.force_login(staff)  # scope with former units merged in: the succession look-up is part of it
for name, url in {
    "unit tree provincial staff": reverse("units:unit_tree"),
    "unit page provincial staff": ward.get_absolute_url(),
}.items():
    queries, ms = measure_page(client, url)
    figure(f"{name} queries", queries, "queries")
    figure(f"{name} time", ms, "ms")
