"""The QCDC form set (monthly, quarterly, 6-month, annual, thematic); editable afterwards. See
``reports.shipped``: a form whose code is already present is left as it is."""

from django.db import migrations


def install(apps, schema_editor):
    from reports.shipped import install as install_forms

    install_forms(
        apps.get_model("reports", "ReportForm"),
        apps.get_model("reports", "FormSection"),
        apps.get_model("reports", "Indicator"),
        apps.get_model("reports", "IndicatorRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
