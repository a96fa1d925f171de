"""Report forms (with sections, figures and consistency rules) and their assignments are edited here.
Obligations and reports are read-only: every change to them goes through the workflow services, which
keep who did what and when."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from reports.calendar import days
from reports.models import (
    CalendarDay,
    Delivery,
    FigureTally,
    FormAssignment,
    FormSection,
    Indicator,
    IndicatorRule,
    IndicatorTally,
    Obligation,
    ReminderStage,
    Report,
    ReportAttachment,
    ReportEvent,
    ReportValue,
    ReportVersion,
)
from reports.models import ReportForm as ReportFormModel
from units import permissions


class SectionInline(admin.TabularInline):
    model = FormSection
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["position", "code", "label", "value_type", "unit", "required", "min_value", "max_value", "help_text"]


class ReminderStageInline(admin.TabularInline):
    """The form's reminder ladder. A stage is deactivated, never deleted: its log rows point to it."""

    model = ReminderStage
    extra = 0
    can_delete = False
    fields = ["ladder", "code", "offset", "audience", "is_escalation", "is_active"]


class RuleInline(admin.TabularInline):
    model = IndicatorRule
    extra = 0
    fk_name = "form"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("left", "right"):
            form_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Indicator.objects.filter(form_id=form_id) if form_id else Indicator.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReportFormModel)
class ReportFormAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "period_type", "cutoff_day", "due_working_days", "is_active"]
    list_filter = ["kind", "period_type", "is_active"]
    search_fields = ["name", "code"]
    raw_id_fields = ["directive", "owner_unit"]
    inlines = [SectionInline, IndicatorInline, RuleInline, ReminderStageInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The swapped days. Saving or deleting goes through the calendar's services, so the due dates of the
    reports not yet filed follow in the same transaction and the change is audited."""

    list_display = ["day", "is_working", "reason", "updated_by", "updated_at"]
    list_filter = ["is_working"]
    date_hierarchy = "day"
    fields = ["day", "is_working", "reason"]
    actions = None

    def has_module_permission(self, request):
        return permissions.may_change_calendar(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_change_calendar(request.user)

    def has_add_permission(self, request):
        return permissions.may_change_calendar(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.may_change_calendar(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.may_change_calendar(request.user)

    def _moved(self, request, moved: int) -> None:
        self.message_user(
            request,
            ngettext("%(n)d due date follows the new calendar.", "%(n)d due dates follow the new calendar.", moved)
            % {"n": moved},
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        if change and "day" in form.changed_data:
            old = CalendarDay.objects.get(pk=obj.pk)
            self._moved(request, days.calendar_day_remove(actor=request.user, row=old))
        row, moved = days.calendar_day_set(
            actor=request.user, day=obj.day, is_working=obj.is_working, reason=obj.reason
        )
        obj.pk = row.pk
        self._moved(request, moved)

    def delete_model(self, request, obj):
        self._moved(request, days.calendar_day_remove(actor=request.user, row=obj))


@admin.register(FormAssignment)
class FormAssignmentAdmin(admin.ModelAdmin):
    list_display = ["form", "root", "kinds", "include_root", "starts_on", "ends_on"]
    list_select_related = ["form", "root"]
    raw_id_fields = ["root", "created_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "form", "year", "period_index", "due_date", "status", "on_time", "returned_count"]
    list_filter = ["status", "form", "year", "on_time"]
    list_select_related = ["unit", "form"]
    search_fields = ["unit__search_key"]
    date_hierarchy = "due_date"
    show_full_result_count = False


@admin.register(FigureTally)
class FigureTallyAdmin(ReadOnlyAdmin):
    """The dashboards' roll-ups, to look at: written only by the services and ``rebuild_figures``."""

    list_display = ["unit", "subtree", "form", "period_end", "due_date", "expected", "received", "on_time", "not_filed"]
    list_filter = ["subtree", "form"]
    list_select_related = ["unit", "form"]
    search_fields = ["unit__search_key"]
    date_hierarchy = "period_end"
    show_full_result_count = False


@admin.register(IndicatorTally)
class IndicatorTallyAdmin(ReadOnlyAdmin):
    list_display = ["unit", "subtree", "indicator", "period_end", "total", "count"]
    list_filter = ["subtree", "indicator__form"]
    list_select_related = ["unit", "indicator"]
    search_fields = ["unit__search_key", "indicator__code"]
    date_hierarchy = "period_end"
    show_full_result_count = False


class ValueInline(admin.TabularInline):
    model = ReportValue
    extra = 0
    fields = ["indicator", "raw", "value_decimal", "value_text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["obligation", "status", "revision", "submitted_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["obligation__unit", "obligation__form"]
    inlines = [ValueInline, EventInline]
    show_full_result_count = False


admin.site.register(ReportVersion, ReadOnlyAdmin)
admin.site.register(ReportAttachment, ReadOnlyAdmin)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The reminder log: read-only, written by the sweep and the senders."""

    list_display = [
        "obligation",
        "stage",
        "name",
        "role",
        "channel",
        "status",
        "failure",
        "attempts",
        "due_on",
        "sent_at",
    ]
    list_filter = ["status", "failure", "channel", "stage__ladder", "stage__is_escalation", "due_on"]
    list_select_related = ["obligation__form", "obligation__unit", "stage"]
    search_fields = ["name", "email", "obligation__unit__name"]
    date_hierarchy = "due_on"
    raw_id_fields = ["obligation", "person", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
