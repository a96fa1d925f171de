from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from directives.forms import ASSIGNABLE_KINDS, DEFAULT_KINDS, AttachmentsField, MultipleFileInput
from directives.uploads import ACCEPT
from reports.models import FormSection, Indicator, Report, ReportForm
from reports.validation import bounds_hint
from units.forms import DateInput
from units.models import Unit

V = Indicator.ValueType
# The signer is not typed: it follows the issuing body's post holders, then the approval (reports.documents.signing).
DOCUMENT_FIELDS = ("issuing_body", "doc_symbol", "doc_place", "doc_date", "issuer", "recipients")


class ReportEntryForm(forms.Form):
    """The report as the unit types it: one textarea per section, one input per figure, the document's
    details and files. Every field is optional here: a draft keeps anything; submission is checked by
    the service, whose messages are put back next to the fields."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    issuing_body = forms.ChoiceField(
        label=_("Issued by"),
        choices=Report.IssuingBody.choices,
        required=False,
        help_text=_("Sets the header (State or Party) and who signs; saving applies its header and symbol."),
    )
    doc_symbol = forms.CharField(label=_("Number and symbol"), max_length=60, required=False)
    doc_place = forms.CharField(label=_("Place"), max_length=100, required=False)
    doc_date = forms.DateField(label=_("Document date"), required=False, widget=DateInput())
    issuer = forms.CharField(
        label=_("Issuing body"), max_length=255, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = AttachmentsField(
        label=_("Attach files"),
        help_text=_("PDF, Word, Excel, ODT, JPEG or PNG: minutes, photos, lists."),
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
    )

    def __init__(self, *args, sections, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.indicators = indicators
        for section in sections:
            self.fields[section.field_name] = forms.CharField(
                label=section.title,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6, "data-autosave": "1"}),
                help_text=section.guidance,
            )
        for indicator in indicators:
            self.fields[indicator.field_name] = self._indicator_field(indicator)
        for name in DOCUMENT_FIELDS:
            if name != "issuing_body":  # a change of body is applied on Save, which reloads the header fields
                self.fields[name].widget.attrs["data-autosave"] = "1"
        for name, field in self.fields.items():
            if name in ("revision", "attachments"):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

    @staticmethod
    def _indicator_field(indicator: Indicator) -> forms.Field:
        attrs = {"data-autosave": "1", "autocomplete": "off"}
        if indicator.value_type == V.BOOLEAN:
            widget = forms.Select(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], attrs=attrs)
        elif indicator.value_type == V.TEXT:
            widget = forms.Textarea(attrs={**attrs, "rows": 2})
        else:
            attrs["inputmode"] = "numeric" if indicator.value_type == V.INTEGER else "decimal"
            widget = forms.TextInput(attrs=attrs)
        return forms.CharField(
            label=indicator.label, required=False, max_length=2000, widget=widget, help_text=indicator.help_text
        )

    def section_fields(self):
        return [(s, self[s.field_name]) for s in self.sections]

    def indicator_fields(self):
        return [(i, self[i.field_name], bounds_hint(i)) for i in self.indicators]

    def document_fields(self):
        return [self[name] for name in DOCUMENT_FIELDS]

    def narrative(self) -> dict[str, str]:
        # A section refused by its field (a NUL character…) is left out, so it keeps its saved text.
        return {
            str(s.pk): self.cleaned_data[s.field_name] or "" for s in self.sections if s.field_name in self.cleaned_data
        }

    def values(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data.get(i.field_name, "") or "" for i in self.indicators}

    def document(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in DOCUMENT_FIELDS if name in self.cleaned_data}


def entry_initial(report, sections, indicators) -> dict:
    """The form's starting values from a saved report."""
    initial = {"revision": report.revision}
    for section in sections:
        initial[section.field_name] = report.narrative.get(str(section.pk), "")
    raws = {v.indicator_id: v.raw for v in report.values.all()}
    for indicator in indicators:
        initial[indicator.field_name] = raws.get(indicator.pk, "")
    for name in DOCUMENT_FIELDS:
        initial[name] = getattr(report, name)
    return initial


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("What must be corrected or added"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The unit sees this with your name; it stays in the report's history."),
    )


class SendBackForm(forms.Form):
    note = forms.CharField(label=_("What to change"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportFormForm(forms.ModelForm):
    class Meta:
        model = ReportForm
        fields = [
            "name",
            "code",
            "kind",
            "period_type",
            "cutoff_day",
            "due_working_days",
            "requires_approval",
            "reapproval_required",
            "title",
            "header",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


SectionFormSet = inlineformset_factory(
    ReportForm,
    FormSection,
    fields=["position", "title", "guidance", "required"],
    widgets={"guidance": forms.Textarea(attrs={"rows": 1})},
    extra=1,
    can_delete=True,
)
IndicatorFormSet = inlineformset_factory(
    ReportForm,
    Indicator,
    fields=["position", "code", "label", "value_type", "unit", "required", "min_value", "max_value"],
    extra=2,
    can_delete=True,
)


class TargetsForm(forms.Form):
    """Where a form is owed: every unit of some kinds under one unit, and/or that unit itself."""

    root = forms.ModelChoiceField(label=_("Under"), queryset=Unit.objects.none())
    kinds = forms.MultipleChoiceField(
        label=_("Every unit of these kinds under it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, Unit.Kind(k).label) for k in ASSIGNABLE_KINDS],
    )
    include_root = forms.BooleanField(label=_("Also the unit itself"), required=False)

    def __init__(self, *args, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["root"].queryset = roots
        self.fields["root"].widget.attrs["class"] = "form-select"
        if not self.is_bound:
            self.initial.setdefault("kinds", DEFAULT_KINDS)

    def clean(self):
        data = super().clean()
        if not (data.get("kinds") or data.get("include_root")):
            raise forms.ValidationError(_("Pick at least one kind of unit, or the unit itself."))
        return data


class FormAssignForm(TargetsForm):
    starts_on = forms.DateField(
        label=_("Owed from"), widget=DateInput(), help_text=_("Periods that end before this day are not owed.")
    )
    ends_on = forms.DateField(label=_("Owed until"), required=False, widget=DateInput())


class RequestForm(TargetsForm):
    period_start = forms.DateField(label=_("Data from"), widget=DateInput())
    period_end = forms.DateField(label=_("Data until"), widget=DateInput())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
