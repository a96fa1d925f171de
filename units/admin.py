from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from units import services
from units.models import AuditEvent, Body, BodyMembership, Headship, Person, RoleGrant, Unit, UnitSuccession, User
from units.services import audit_record

# What the services call each change, so that a unit's history reads the same whichever way it was made.
ACTIONS = {
    "unit": {"created": "unit.created", "updated": "unit.updated", "deleted": "unit.deleted"},
    "headship": {"created": "headship.created", "updated": "headship.updated", "deleted": "headship.deleted"},
    "rolegrant": {"created": "role.granted", "updated": "role.changed", "deleted": "role.revoked"},
    "person": {"created": "person.created", "updated": "person.updated", "deleted": "person.deleted"},
    "body": {"created": "body.created", "updated": "body.updated", "deleted": "body.deleted"},
    "bodymembership": {"created": "membership.added", "updated": "membership.updated", "deleted": "membership.removed"},
    "user": {"created": "account.created", "updated": "account.updated", "deleted": "account.deleted"},
    "unitsuccession": {
        "created": "succession.created",
        "updated": "succession.updated",
        "deleted": "succession.deleted",
    },
}


SUMMARIES = {
    "created": _("Added in the admin (%(what)s): %(obj)s"),
    "updated": _("Changed in the admin (%(what)s): %(obj)s"),
    "deleted": _("Deleted in the admin (%(what)s): %(obj)s"),
}


def _unit_of(obj):
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, UnitSuccession):
        return obj.successor
    if isinstance(obj, BodyMembership):
        return obj.body.unit
    return getattr(obj, "unit", None)


def audit_admin_change(request, obj, change: str, fields=(), pk=None) -> None:
    """One audit row for a write made in the admin, as the services write it (who, what, where, when)."""
    model = obj._meta.model_name
    action = ACTIONS.get(model, {}).get(change, f"{model}.{change}")
    if pk is not None:
        obj.pk = pk  # a deleted row keeps its id in the audit
    audit_record(
        actor=request.user,
        action=action,
        obj=obj,
        unit=obj.parent if change == "deleted" and isinstance(obj, Unit) else _unit_of(obj),
        summary=SUMMARIES[change] % {"what": obj._meta.verbose_name, "obj": obj},
        data={"via": "admin", "fields": list(fields)},
    )


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and deletion made in the admin (inlines included) writes the services' audit row."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_admin_change(request, obj, "updated" if change else "created", form.changed_data)

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        audit_admin_change(request, obj, "deleted", pk=pk)

    def delete_queryset(self, request, queryset):
        rows = [(obj, obj.pk) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk in rows:
            audit_admin_change(request, obj, "deleted", pk=pk)

    def save_formset(self, request, form, formset, change):
        deleted = [(f.instance, f.instance.pk) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_admin_change(request, obj, "created")
        for obj, fields in formset.changed_objects:
            audit_admin_change(request, obj, "updated", fields)
        for obj, pk in deleted:
            audit_admin_change(request, obj, "deleted", pk=pk)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "email", "first_name", "last_name", "person__full_name"]


class SuccessorInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("successor")
    verbose_name_plural = _("successors")


class HeadshipFormSet(BaseInlineFormSet):
    """Terms typed together on one unit's page may not overlap each other either (each is checked against the
    saved ones by ``Headship.clean``): the error is on the form, not a refused save."""

    def clean(self):
        super().clean()
        terms = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("started_on") or not data.get("title"):
                continue
            terms.append((form, data))
        for i, (form, a) in enumerate(terms):
            for _other, b in terms[:i]:
                same_post = a["title"].strip().casefold() == b["title"].strip().casefold()
                if not (same_post or (a.get("is_principal") and b.get("is_principal"))):
                    continue
                a_end, b_end = a.get("ended_on"), b.get("ended_on")
                if (b_end is None or b_end >= a["started_on"]) and (a_end is None or b["started_on"] <= a_end):
                    form.add_error(None, _("These terms of the same post overlap: end one before the other starts."))


class HeadshipInline(admin.TabularInline):
    model = Headship
    formset = HeadshipFormSet
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "code", "code_scheme", "parent", "opened_on", "closed_on"]
    list_filter = ["kind", "code_scheme", ("closed_on", admin.EmptyFieldListFilter)]
    search_fields = ["search_key", "code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth", "created_at", "updated_at"]
    list_select_related = ["parent"]
    inlines = [HeadshipInline, SuccessorInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"opened_on", "closed_on"} & set(form.changed_data):
            # The admin's own transaction: the reports it no longer owes go with the change of dates.
            services.unit_dates_changed(actor=request.user, unit_ids=[obj.pk])

    def get_search_results(self, request, queryset, search_term):
        # Diacritics-free search, as on the site: "tu son" finds "Từ Sơn".
        if search_term:
            return queryset.search(search_term) | queryset.filter(code=search_term.strip()), False
        return queryset, False


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["full_name", "position", "email", "unit", "user"]
    search_fields = ["full_name", "email", "search_key"]
    autocomplete_fields = ["unit", "user"]
    list_select_related = ["unit", "user"]


@admin.register(Headship)
class HeadshipAdmin(AuditedAdmin):
    list_display = ["unit", "title", "person", "is_principal", "started_on", "ended_on"]
    list_filter = ["is_principal"]
    search_fields = ["unit__name", "person__full_name", "title"]
    autocomplete_fields = ["unit", "person"]
    list_select_related = ["unit", "person"]
    date_hierarchy = "started_on"


class MembershipInline(admin.TabularInline):
    model = BodyMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "unit", "decision_symbol", "decision_date", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name", "decision_symbol"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit", "granted_by", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit", "granted_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "summary", "unit"]
    list_filter = ["action"]
    search_fields = ["summary"]
    list_select_related = ["actor", "unit"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
