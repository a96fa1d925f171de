from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from units import services
from units.models import AuditEvent, Body, BodyMembership, Headship, Person, RoleGrant, Unit, UnitSuccession, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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


class HeadshipInline(admin.TabularInline):
    model = Headship
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
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
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "email", "unit", "user"]
    search_fields = ["full_name", "email", "search_key"]
    autocomplete_fields = ["unit", "user"]
    list_select_related = ["unit", "user"]


@admin.register(Headship)
class HeadshipAdmin(admin.ModelAdmin):
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
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "decision_symbol", "decision_date", "dissolved_on"]
    list_filter = ["kind"]
    search_fields = ["name", "unit__name", "decision_symbol"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [MembershipInline]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
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
