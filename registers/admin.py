"""The admin configures the registers (kinds of matter and their thresholds, reception rules, bound
indicators); rows themselves are read-only here: every change goes through the services, which keep
who did what."""

from django.contrib import admin

from directives.admin import ReadOnlyAdmin
from registers import models as m


@admin.register(m.MatterKind)
class MatterKindAdmin(admin.ModelAdmin):
    list_display = ["name", "threshold_percent", "position", "is_active"]
    list_editable = ["threshold_percent", "position", "is_active"]


@admin.register(m.ReceptionRule)
class ReceptionRuleAdmin(admin.ModelAdmin):
    list_display = ["function", "days", "per"]
    list_editable = ["days", "per"]


@admin.register(m.IndicatorBinding)
class IndicatorBindingAdmin(admin.ModelAdmin):
    list_display = ["indicator", "register", "measure", "field", "filters"]
    list_filter = ["register", "measure", "indicator__form"]
    list_select_related = ["indicator__form"]
    raw_id_fields = ["indicator"]


class ReadOnly(ReadOnlyAdmin):
    list_display = ["subject", "unit", "date", "entered_by", "entered_at"]
    list_select_related = ["unit", "entered_by"]
    search_fields = ["search_key"]
    date_hierarchy = "date"
    raw_id_fields = ["unit"]


for model in (
    m.Disclosure,
    m.CommunityDecision,
    m.VillageCharter,
    m.Consultation,
    m.Supervision,
    m.Conference,
    m.CitizenReception,
):
    admin.site.register(model, ReadOnly)


admin.site.register(m.RecordAttachment, ReadOnlyAdmin)
admin.site.register(m.FigureOverride, ReadOnlyAdmin)
