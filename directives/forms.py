from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directives import uploads
from directives.models import Assignment, Directive, DirectiveRelation, DirectiveType
from units.forms import DayField
from units.models import Unit

ASSIGNABLE_KINDS = (
    Unit.Kind.DISTRICT,
    *Unit.COMMUNAL_KINDS,
    *Unit.COMMUNITY_KINDS,
    *Unit.ORGANISATION_KINDS,
)
DEFAULT_KINDS = list(Unit.COMMUNAL_KINDS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by its content (see ``uploads.check``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for file in files:
            super().clean(file, initial)
            try:
                uploads.check(file)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class DirectiveForm(forms.ModelForm):
    attachments = AttachmentsField(
        label=_("Files"),
        help_text=_("The signed document and its annexes: PDF, Word, Excel, ODT, JPEG or PNG."),
    )

    class Meta:
        model = Directive
        fields = [
            "doc_type",
            "symbol",
            "issued_on",
            "issuer",
            "issued_place",
            "signer",
            "signer_position",
            "abstract",
            "confidentiality",
            "urgency",
            "status",
            "effective_from",
            "effective_to",
        ]
        field_classes = {"issued_on": DayField, "effective_from": DayField, "effective_to": DayField}
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 3}),
            "issuer": forms.TextInput(attrs={"list": "issuer-suggestions", "autocomplete": "off"}),
            "symbol": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
        }

    def __init__(self, *args, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        types = DirectiveType.objects.filter(is_active=True)
        if self.instance.pk:
            types = DirectiveType.objects.filter(pk=self.instance.doc_type_id) | types
        self.fields["doc_type"].queryset = types.order_by("family", "position", "name")
        self.fields["doc_type"].empty_label = _("— choose the type —")
        if not with_files:
            del self.fields["attachments"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("doc_type", css_class="col-12 col-md-4"),
                Column("symbol", css_class="col-12 col-md-4"),
                Column("issued_on", css_class="col-12 col-md-4"),
            ),
            Row(Column("issuer", css_class="col-12 col-md-8"), Column("issued_place", css_class="col-12 col-md-4")),
            Row(Column("signer", css_class="col-12 col-md-6"), Column("signer_position", css_class="col-12 col-md-6")),
            "abstract",
            Row(
                Column("confidentiality", css_class="col-12 col-md-4"),
                Column("urgency", css_class="col-12 col-md-4"),
                Column("status", css_class="col-12 col-md-4"),
            ),
            Row(
                Column("effective_from", css_class="col-12 col-md-6"),
                Column("effective_to", css_class="col-12 col-md-6"),
            ),
            *(["attachments"] if with_files else []),
        )


class RegisterFilterForm(forms.Form):
    """The register's filters; every one optional, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    doc_type = forms.ModelChoiceField(label=_("Type"), queryset=DirectiveType.objects.none(), required=False)
    issuer = forms.CharField(label=_("Issuing body"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1930, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].queryset = DirectiveType.objects.order_by("family", "position", "name")
        self.fields["doc_type"].empty_label = _("All types")
        self.fields["status"].choices = [("", _("Any status")), *Directive.Status.choices]
        self.fields["confidentiality"].choices = [("", _("Any confidentiality")), *Directive.Confidentiality.choices]
        for name in ("doc_type", "status", "confidentiality"):
            self.fields[name].widget.attrs["class"] = "form-select"


class AttachmentForm(forms.Form):
    files = AttachmentsField(
        label=_("Files"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": uploads.ACCEPT, "class": "form-control form-control-sm"}),
    )


class AssignForm(forms.Form):
    """One task for many units: every unit of the chosen kinds under the start unit, and/or some picked one by one."""

    task = forms.CharField(
        label=_("Task"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit must do, e.g. Disseminate Kết luận 120-KL/TW to every Party cell and report."),
    )
    role = forms.ChoiceField(label=_("Role of the unit"), choices=Assignment.Role.choices, initial=Assignment.Role.LEAD)
    deadline = DayField(label=_("Deadline"))
    report_required = forms.BooleanField(label=_("A report must be filed"), required=False, initial=True)
    kinds = forms.MultipleChoiceField(
        label=_("Every unit of these kinds under it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    include_root = forms.BooleanField(label=_("Also the unit itself"), required=False)
    only_open = forms.BooleanField(label=_("Only units that exist today"), required=False, initial=True)
    units = forms.ModelMultipleChoiceField(
        label=_("Or pick units one by one"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, root: Unit | None = None, kind_counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = kind_counts or {}
        shown = [k for k in ASSIGNABLE_KINDS if counts.get(k)] or list(ASSIGNABLE_KINDS)
        self.fields["kinds"].choices = [
            (k, f"{Unit.Kind(k).label} ({counts[k]})" if counts.get(k) else Unit.Kind(k).label) for k in shown
        ]
        if not self.is_bound:
            self.initial.setdefault("kinds", [k for k in DEFAULT_KINDS if k in shown])
        if root is not None:
            self.fields["units"].queryset = Unit.objects.filter(parent=root, closed_on__isnull=True).order_by(
                "sort_key", "pk"
            )

    def clean(self):
        data = super().clean()
        if not (data.get("kinds") or data.get("include_root") or data.get("units")):
            raise ValidationError(_("Choose the kinds of unit, the unit itself, or some units one by one."))
        return data


class AssignmentChangeForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history with your name and the time."),
    )

    class Meta:
        model = Assignment
        fields = ["task", "role", "deadline", "report_required", "status"]
        field_classes = {"deadline": DayField}
        widgets = {"task": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            c for c in Assignment.Status.choices if c[0] != Assignment.Status.CANCELLED or self.instance.status == c[0]
        ]


class AssignmentCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled"), widget=forms.Textarea(attrs={"rows": 2}))


class RelateForm(forms.Form):
    kind = forms.ChoiceField(label=_("This directive"), choices=DirectiveRelation.Kind.choices)
    target = forms.IntegerField(widget=forms.HiddenInput)


GRID_LIMIT = 300  # the per-unit grid lists at most this many units; beyond, one role for the whole batch


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Done (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    files = AttachmentsField(
        label=_("Evidence"),
        help_text=_("Minutes, photos, signed documents: PDF, Word, Excel, ODT, JPEG or PNG."),
    )


class WatchForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is watched"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. three quarterly reports late in a row; petitions left unanswered."),
    )
    review_on = DayField(label=_("Review on"))


class WatchTaskForm(forms.Form):
    directive = forms.ModelChoiceField(
        label=_("Under the directive"),
        queryset=Directive.objects.none(),
        help_text=_("The follow-up task is an ordinary task of this directive, in the register."),
    )
    task = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = DayField(label=_("Deadline"))
    report_required = forms.BooleanField(label=_("A report must be filed"), required=False, initial=True)

    def __init__(self, *args, directives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if directives is not None:
            self.fields["directive"].queryset = directives
        self.fields["directive"].empty_label = _("— choose the directive —")


class WatchVisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=[])
    happened_on = DayField(label=_("On"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from directives.models import WatchAction

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (WatchAction.Kind.VISIT, WatchAction.Kind.VISIT.label),
            (WatchAction.Kind.INSPECTION, WatchAction.Kind.INSPECTION.label),
        ]


class WatchReviewForm(forms.Form):
    review_on = DayField(label=_("New review date"))
    note = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class WatchCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[])
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        from directives.models import Watch

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = Watch.Outcome.choices


class WatchFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from directives.models import Watch

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Watch.Status.choices]
        self.fields["status"].widget.attrs["class"] = "form-select"
