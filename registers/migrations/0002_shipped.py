from django.db import migrations


def forwards(apps, schema_editor):
    from registers import shipped

    shipped.install(
        apps.get_model("registers", "MatterKind"),
        apps.get_model("registers", "ReceptionRule"),
        apps.get_model("reports", "ReportForm"),
        apps.get_model("reports", "Indicator"),
        apps.get_model("registers", "IndicatorBinding"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registers", "0001_registers"),
        ("reports", "0011_agency_issues_its_own_reports"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
