from django.contrib import admin

from evaluations.models import (
    ClassificationLevel,
    Commendation,
    CriteriaSet,
    Criterion,
    Evaluation,
    EvaluationEvent,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class LevelInline(admin.TabularInline):
    model = ClassificationLevel
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "year", "subject"]
    list_filter = ["year", "subject"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]
    inlines = [CriterionInline, LevelInline]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ["criterion", "evidence_value", "evidence_text"]


class EventInline(admin.TabularInline):
    model = EvaluationEvent
    extra = 0
    readonly_fields = ["actor", "kind", "note", "data", "created_at"]
    can_delete = False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["unit", "person", "criteria_set", "status", "self_total", "final_total", "level"]
    list_filter = ["status", "criteria_set__year"]
    search_fields = ["unit__name", "person__full_name"]
    list_select_related = ["unit", "person", "criteria_set", "level"]
    autocomplete_fields = ["unit", "person"]
    inlines = [ScoreInline, EventInline]


@admin.register(Commendation)
class CommendationAdmin(admin.ModelAdmin):
    list_display = ["decision_symbol", "decision_date", "unit", "person", "form", "exemplary"]
    list_filter = ["form", "exemplary"]
    search_fields = ["decision_symbol", "unit__name", "person__full_name", "reason"]
    list_select_related = ["unit", "person"]
    autocomplete_fields = ["unit", "person"]
