"""The admin edits the list of document types. Directives, assignments and their history are read-only here:
every change to them goes through the site's services, which keep who did what."""

from django.contrib import admin

from directives.models import (
    Assignment,
    Attachment,
    Directive,
    DirectiveEvent,
    DirectiveRelation,
    DirectiveType,
    ProgressEvidence,
    ProgressNote,
    Watch,
    WatchAction,
    WatchEvent,
)


@admin.register(DirectiveType)
class DirectiveTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "family", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["family", "is_active"]
    search_fields = ["name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    list_display = ["symbol", "doc_type", "issuer", "issued_on", "confidentiality", "status", "owner_unit"]
    list_filter = ["status", "confidentiality", "doc_type__family", "doc_type", "year"]
    search_fields = ["search_key", "symbol_key"]
    list_select_related = ["doc_type", "owner_unit"]
    date_hierarchy = "issued_on"
    inlines = [AttachmentInline]
    show_full_result_count = False


@admin.register(DirectiveRelation)
class DirectiveRelationAdmin(ReadOnlyAdmin):
    list_display = ["source", "kind", "target", "created_by", "created_at"]
    list_select_related = ["source__doc_type", "target__doc_type", "created_by"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["directive", "unit", "role", "deadline", "report_required", "status"]
    list_filter = ["status", "role", "report_required"]
    search_fields = ["task", "unit__search_key", "directive__symbol_key"]
    list_select_related = ["directive__doc_type", "unit"]
    raw_id_fields = ["directive", "unit"]
    show_full_result_count = False


@admin.register(DirectiveEvent)
class DirectiveEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "directive", "kind", "actor", "note"]
    list_filter = ["kind"]
    list_select_related = ["directive__doc_type", "actor"]
    show_full_result_count = False


class ProgressEvidenceInline(admin.TabularInline):
    model = ProgressEvidence
    extra = 0
    fields = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressNote)
class ProgressNoteAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "assignment", "percent", "actor"]
    search_fields = ["note", "assignment__unit__search_key", "assignment__directive__symbol_key"]
    list_select_related = ["assignment__unit", "actor"]
    raw_id_fields = ["assignment"]
    inlines = [ProgressEvidenceInline]
    show_full_result_count = False


class WatchActionInline(admin.TabularInline):
    model = WatchAction
    extra = 0
    fields = ["kind", "happened_on", "assignment", "findings", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class WatchEventInline(admin.TabularInline):
    model = WatchEvent
    extra = 0
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    list_display = ["unit", "review_on", "status", "outcome", "opened_by", "created_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["unit__search_key", "reason", "result"]
    list_select_related = ["unit", "opened_by"]
    date_hierarchy = "review_on"
    inlines = [WatchActionInline, WatchEventInline]
    show_full_result_count = False
