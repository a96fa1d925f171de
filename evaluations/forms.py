import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations import kinds
from evaluations.models import ClassificationLevel, Commendation, CriteriaSet
from units.forms import DayField
from units.models import Person, RoleGrant, Unit

COMMITTEE_KINDS = (Unit.Kind.NATION, *Unit.PROVINCIAL_KINDS)


def _date_field(label, required=True):
    return DayField(label=label, required=required)


class CriteriaSetCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Committee of"), queryset=Unit.objects.none(), empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    subject = forms.ChoiceField(label=_("Evaluate"), choices=CriteriaSet.Subject.choices)

    def __init__(self, data=None, *, user):
        super().__init__(data, initial={"year": timezone.localdate().year})
        self.fields["unit"].queryset = (
            Unit.objects.visible_to(user, [RoleGrant.Role.STAFF, RoleGrant.Role.ADMIN])
            .filter(kind__in=COMMITTEE_KINDS, closed_on__isnull=True)
            .order_by("depth", "name")
        )


class CriterionForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Criterion"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Evidence"), choices=kinds.choices)
    max_points = forms.DecimalField(
        label=_("Maximum points"), min_value=0.01, max_digits=6, decimal_places=2, required=False
    )
    guidance = forms.CharField(label=_("How it is scored"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if (data.get("title") or "").strip() and not data.get("max_points") and not data.get("DELETE"):
            self.add_error("max_points", _("Give the maximum points."))
        return data


class LevelForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Classification"), max_length=150, required=False)
    min_points = forms.DecimalField(
        label=_("From (points)"), min_value=0, max_digits=6, decimal_places=2, required=False
    )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True, max_num=40, validate_max=True)
LevelFormSet = forms.formset_factory(LevelForm, extra=1, can_delete=True, max_num=10, validate_max=True)


class CriteriaSetForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = ["name", "header"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AdjustForm(forms.Form):
    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int)
    points = forms.DecimalField(label=_("Points decided"), min_value=0, max_digits=6, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, data=None, *, criteria):
        super().__init__(data)
        self.fields["criterion"].choices = [(c.pk, f"{i}. {c.title}") for i, c in enumerate(criteria, start=1)]


class DecideForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Classification"), queryset=ClassificationLevel.objects.none(), empty_label=None
    )
    decision_symbol = forms.CharField(
        label=_("Decision number and symbol"), max_length=60, help_text=_("E.g. 125-QĐ/TU.")
    )
    decision_date = _date_field(_("Decision date"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, data=None, *, evaluation, suggested=None):
        super().__init__(data, initial={"level": suggested, "decision_date": timezone.localdate()})
        self.fields["level"].queryset = evaluation.criteria_set.levels.order_by("position", "pk")


class CommendationForm(forms.ModelForm):
    decision_date = _date_field(_("Decision date"))

    class Meta:
        model = Commendation
        fields = ["person", "form", "decision_symbol", "decision_date", "issuer", "reason", "exemplary"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(Q(unit=unit) | Q(headships__unit=unit)).distinct().order_by("full_name")
        self.fields["person"].queryset = people
        self.fields["person"].empty_label = _("— the unit itself —")


class CommendationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    exemplary = forms.BooleanField(label=_("Exemplary models only"), required=False)


def year_range(today: datetime.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year + 1, year - 5, -1))
