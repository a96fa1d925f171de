from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from units.models import Body, BodyMembership, Headship, Person, RoleGrant, Unit, User


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has one, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


DATE_INVALID = _("Enter the date as day/month/year (dd/mm/yyyy), for example 05/02/2026.")


class DateInput(forms.DateInput):
    """A text field for dd/mm/yyyy, whatever the browser's language (a browser's own date field shows
    mm/dd/yyyy to an English one), with a Vietnamese calendar beside it (static/js/datepicker.js)."""

    input_type = "text"

    def __init__(self, attrs=None, **kwargs):
        attrs = {
            "data-datepicker": "day",
            "inputmode": "numeric",
            "placeholder": "dd/mm/yyyy",
            "autocomplete": "off",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%d/%m/%Y", **kwargs)


class DayField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO yyyy-mm-dd is read too), refused with a message that shows the form."""

    widget = DateInput
    input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
    default_error_messages = {"invalid": DATE_INVALID}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "type_name", "code", "code_scheme", "opened_on", "closed_on", "address"]
        field_classes = {"opened_on": DayField, "closed_on": DayField}

    def clean(self):
        data = super().clean()
        if data.get("code") and not data.get("code_scheme"):
            data["code_scheme"] = Unit.CodeScheme.LOCAL
        return data


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), required=False, max_length=100)
    closed = forms.BooleanField(label=_("Include former units"), required=False)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "position", "email", "phone"]


class HeadshipForm(forms.Form):
    """Appoint a head: an existing person of the unit, or a new one typed here."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Choose someone already known, or type a new name below."),
    )
    new_full_name = forms.CharField(label=_("New person's full name"), max_length=150, required=False)
    new_email = forms.EmailField(
        label=_("New person's e-mail"), required=False, help_text=_("Needed for escalations, even without a login.")
    )
    title = forms.CharField(
        label=_("Title"), max_length=100, widget=forms.TextInput(attrs={"list": "title-suggestions"})
    )
    function = forms.ChoiceField(
        label=_("Body headed"),
        required=False,
        choices=[("", _("Read from the title")), *Headship.Function.choices],
        help_text=_("The documents of this body are signed by the holder of this post."),
    )
    is_deputy = forms.BooleanField(label=_("Deputy (signs for the head)"), required=False)
    is_principal = forms.BooleanField(label=_("Accountable head (người đứng đầu)"), required=False, initial=True)
    started_on = DayField(label=_("From"))
    ended_on = DayField(label=_("Until"), required=False)
    decision = forms.CharField(label=_("Appointing decision"), max_length=100, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("new_full_name"):
            raise forms.ValidationError(_("Choose a person or type the name of a new one."))
        if data.get("started_on") and data.get("ended_on") and data["ended_on"] < data["started_on"]:
            self.add_error("ended_on", _("A term cannot end before it starts."))
        return data


class EndTermForm(forms.Form):
    ended_on = DayField(label=_("Last day"))


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["kind", "name", "decision_symbol", "decision_date", "dissolved_on"]
        field_classes = {"decision_date": DayField, "dissolved_on": DayField}


class MembershipForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(), required=False)
    new_full_name = forms.CharField(label=_("New person's full name"), max_length=150, required=False)
    new_email = forms.EmailField(label=_("New person's e-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=BodyMembership.Role.choices)
    started_on = DayField(label=_("From"))
    ended_on = DayField(label=_("Until"), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("new_full_name"):
            raise forms.ValidationError(_("Choose a person or type the name of a new one."))
        return data


class GrantForm(forms.Form):
    """Give a role over this unit to an existing login, or create the login at the same time."""

    role = forms.ChoiceField(label=_("Role"))
    username = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("An existing login, or a new one to create.")
    )
    full_name = forms.CharField(label=_("Full name (new login)"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail (new login)"), required=False)
    password = forms.CharField(
        label=_("First password (new login)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Give it to the person; they should change it after logging in."),
    )

    def __init__(self, *args, roles=(), logins=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, label) for r, label in RoleGrant.Role.choices if r in roles]
        # Only logins of people the granting user manages are found; any other name reads as unknown.
        self.logins = User.objects.all() if logins is None else logins

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        username = (data.get("username") or "").strip()
        data["user"] = self.logins.filter(username__iexact=username).first()
        if data["user"] is None and username:
            if not data.get("full_name"):
                self.add_error("full_name", _("No login has this user name: give the full name to create it."))
            if not data.get("password"):
                self.add_error("password", _("No login has this user name: give a first password to create it."))
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return data
