from django import forms
from django.forms import modelform_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from directives.forms import AttachmentsField, MultipleFileInput
from directives.models import Directive
from directives.uploads import ACCEPT
from registers.models import MatterKind
from registers.registry import Register
from units.forms import DateInput, DayField
from units.models import Body, Headship, Unit


def lookup_field(model, lookup: str):
    """The model field a ``a__b`` lookup ends on."""
    *hops, last = lookup.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model
    return model._meta.get_field(last)


def group_choices(register: Register) -> list[tuple[str, str]]:
    return [("", _("All"))] + [(str(k), str(v)) for k, v in lookup_field(register.model, register.group_field).choices]


class FilterForm(forms.Form):
    """The list's filters: words, a unit's subtree, the register's group, a period."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    group = forms.ChoiceField(label=_("Group"), required=False)
    start = DayField(label=_("From"), required=False)
    end = DayField(label=_("Until"), required=False)

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = group_choices(register)
        self.fields["group"].label = capfirst(lookup_field(register.model, register.group_field).verbose_name)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


def record_form_class(register: Register, *, user, unit: Unit):
    """The form of one register's row, its links narrowed to what the user may pick for ``unit``."""
    widgets, field_classes = {}, {}
    for name in register.all_fields:
        field = register.model._meta.get_field(name)
        if field.get_internal_type() == "DateField":
            field_classes[name] = DayField
        elif field.get_internal_type() == "TextField":
            widgets[name] = forms.Textarea(attrs={"rows": 3})
        elif field.get_internal_type() in ("PositiveIntegerField", "PositiveSmallIntegerField"):
            widgets[name] = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    base = modelform_factory(register.model, fields=register.all_fields, widgets=widgets, field_classes=field_classes)

    class RecordForm(base):
        files = AttachmentsField(
            label=_("Files"),
            help_text=_("Minutes, photos, the document itself: PDF, Word, Excel, ODT, JPEG or PNG."),
            widget=MultipleFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
        )

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["date"].label = register.date_label
            self.fields["subject"].label = register.subject_label
            self.fields["subject"].help_text = register.subject_help
            if "matter_kind" in self.fields:
                self.fields["matter_kind"].queryset = MatterKind.objects.filter(is_active=True)
            if "directive" in self.fields:
                self.fields["directive"].queryset = (
                    Directive.objects.visible_to(user).select_related("doc_type").order_by("-issued_on", "-id")
                )
            if "headship" in self.fields:
                self.fields["headship"].queryset = (
                    Headship.objects.filter(unit=unit).select_related("person").order_by("ended_on", "-started_on")
                )
                self.fields["headship"].label_from_instance = lambda h: f"{h.person.full_name} · {h.title}"
            if "body" in self.fields:
                self.fields["body"].queryset = Body.objects.filter(unit=unit).exclude(kind=Body.Kind.STEERING_COMMITTEE)
            if "households_agreeing" in self.fields:
                for name in ("households_total", "households_present", "households_agreeing"):
                    self.fields[name].widget.attrs["data-ballot"] = name
            for name, field in self.fields.items():
                if name == "files":
                    continue
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = f"{css} {field.widget.attrs.get('class', '')}".strip()

        def record_fields(self) -> dict:
            return {name: self.cleaned_data[name] for name in register.all_fields}

    return RecordForm


class RecommendationForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    resolution = forms.CharField(
        label=_("How it was resolved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    resolved_on = DayField(label=_("Resolved on"), required=False, widget=DateInput(attrs={"class": "form-control"}))
    delete = forms.BooleanField(label=_("Remove"), required=False)


RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=2, max_num=50)


class OverrideForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the report's figure differs from the registers"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        max_length=2000,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
