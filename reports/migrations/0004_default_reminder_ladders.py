"""Every existing form gets the default reminder ladder (7, 3, 1 working days before and on the due date to
the reporters; +1 to the head; +3 to the unit above; the short ladder of a returned report). New forms get
it from the sweep the first time it runs after they are made."""

from django.db import migrations


def install(apps, schema_editor):
    from reports.shipped import install_defaults

    form_model = apps.get_model("reports", "ReportForm")
    install_defaults(apps.get_model("reports", "ReminderStage"), form_model.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_reminders")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
