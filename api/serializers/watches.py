from rest_framework import serializers

from api.serializers.directives import DirectiveRefSerializer
from api.serializers.units import MAX_ID, UnitRefSerializer
from directives.models import Assignment, Watch, WatchAction, WatchEvent

WATCH_STATUSES = (*Watch.Status.values, "all")
VISIT_KINDS = (WatchAction.Kind.VISIT.value, WatchAction.Kind.INSPECTION.value)


class WatchTaskRefSerializer(serializers.ModelSerializer):
    directive = DirectiveRefSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "directive", "task", "deadline", "status", "progress"]


class WatchActionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    assignment = WatchTaskRefSerializer(read_only=True)

    class Meta:
        model = WatchAction
        fields = ["id", "kind", "kind_label", "happened_on", "findings", "assignment", "created_at"]


class WatchEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)

    class Meta:
        model = WatchEvent
        fields = ["id", "kind", "kind_label", "actor", "note", "changes", "created_at"]


class WatchSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    actions = serializers.IntegerField(source="action_count", read_only=True)
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Watch
        fields = [
            "id",
            "unit",
            "reason",
            "review_on",
            "status",
            "status_label",
            "outcome",
            "outcome_label",
            "result",
            "actions",
            "created_at",
            "closed_at",
            "web_url",
        ]


class WatchDetailSerializer(WatchSerializer):
    follow_ups = WatchActionSerializer(source="actions", many=True, read_only=True)
    events = WatchEventSerializer(many=True, read_only=True)
    actions = None

    class Meta(WatchSerializer.Meta):
        fields = [f for f in WatchSerializer.Meta.fields if f != "actions"] + ["follow_ups", "events"]


class WatchFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text="Watches of this unit.")
    sub = serializers.BooleanField(required=False, default=False, help_text="With ``unit``: the whole subtree.")
    status = serializers.ChoiceField(choices=WATCH_STATUSES, required=False, default="open")
    due = serializers.DateField(required=False, help_text="Open watches to review on or before this day.")


class WatchCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    reason = serializers.CharField(max_length=5000)
    review_on = serializers.DateField()


class WatchTaskSerializer(serializers.Serializer):
    directive = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A directive in force you manage.")
    task = serializers.CharField(max_length=5000)
    deadline = serializers.DateField()
    report_required = serializers.BooleanField(default=True)


class WatchVisitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VISIT_KINDS)
    happened_on = serializers.DateField()
    findings = serializers.CharField(max_length=5000)


class WatchReviewSerializer(serializers.Serializer):
    review_on = serializers.DateField()
    note = serializers.CharField(max_length=2000)


class WatchCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Watch.Outcome.choices)
    result = serializers.CharField(max_length=5000)
