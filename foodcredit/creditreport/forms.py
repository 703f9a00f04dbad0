"""The verification page's one field: a code as typed, or the address a report's QR code holds."""

from django import forms
from django.utils.translation import gettext_lazy as _

CODE_INPUT_MAX = 200  # room for the whole verification address a QR code holds, pasted


class VerifyForm(forms.Form):
    """A verification code to check (spaces, dashes and case do not matter)."""

    code = forms.CharField(label=_("核验码"), max_length=CODE_INPUT_MAX)
