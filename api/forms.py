from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_CHOICES = [
    ("", _("Until I revoke it")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is the token for?"),
        max_length=100,
        help_text=_("E.g. the ward's phone app, or the province's reporting system."),
    )
    expires_in = forms.TypedChoiceField(
        label=_("Valid for"), choices=EXPIRY_CHOICES, coerce=int, empty_value=None, required=False
    )
