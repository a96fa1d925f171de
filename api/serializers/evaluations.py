from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.units import MAX_ID, PersonRefSerializer, UnitRefSerializer
from evaluations.models import Commendation, CriteriaSet, Evaluation, EvaluationEvent, Score


class CriteriaSetRefSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)

    class Meta:
        model = CriteriaSet
        fields = ["id", "name", "year", "subject", "unit"]


class EvaluationSerializer(serializers.ModelSerializer):
    criteria_set = CriteriaSetRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    person = PersonRefSerializer(read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    classification = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "criteria_set",
            "unit",
            "person",
            "status",
            "status_label",
            "self_total",
            "final_total",
            "classification",
            "decision_symbol",
            "decision_date",
            "approved_at",
            "decided_at",
            "web_url",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_classification(self, evaluation) -> str | None:
        return evaluation.level.name if evaluation.level_id else None


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.title", read_only=True)
    max_points = serializers.DecimalField(source="criterion.max_points", max_digits=6, decimal_places=2, read_only=True)
    kind = serializers.CharField(source="criterion.kind", read_only=True)

    class Meta:
        model = Score
        fields = [
            "criterion",
            "kind",
            "max_points",
            "evidence_value",
            "evidence_text",
            "self_points",
            "explanation",
            "final_points",
            "adjust_reason",
        ]


class EvaluationEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = EvaluationEvent
        fields = ["kind", "kind_label", "actor", "note", "created_at"]


class EvaluationDetailSerializer(EvaluationSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    events = EvaluationEventSerializer(many=True, read_only=True)
    summary = serializers.CharField(read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "summary", "scores", "events"]


class EvaluationFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Evaluations of this unit."
    )
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    subject = serializers.ChoiceField(choices=CriteriaSet.Subject.choices, required=False)
    status = serializers.ChoiceField(choices=Evaluation.Status.choices, required=False)
    person = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="A head's evaluations.")


class CommendationSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    person = PersonRefSerializer(read_only=True, allow_null=True)
    form_label = serializers.CharField(source="get_form_display", read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Commendation
        fields = [
            "id",
            "unit",
            "person",
            "form",
            "form_label",
            "decision_symbol",
            "decision_date",
            "issuer",
            "reason",
            "exemplary",
            "created_at",
            "web_url",
        ]


class CommendationCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The unit commended, or the person's.")
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    form = serializers.ChoiceField(choices=Commendation.Form.choices, default=Commendation.Form.PRAISE)
    decision_symbol = serializers.CharField(max_length=60)
    decision_date = serializers.DateField()
    issuer = serializers.CharField(max_length=200)
    reason = serializers.CharField(max_length=5000)
    exemplary = serializers.BooleanField(default=True)


class CommendationFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    person = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    exemplary = serializers.BooleanField(required=False, allow_null=True, default=None)
