"""Free text written for the public passes the one masking function on its way out (no ID or phone number)."""

from django import template

from foodcredit.core.masking import mask_free_text

register = template.Library()


@register.filter
def mask_public(value: str | None) -> str:
    """`value` with ID and phone numbers masked (core.masking)."""
    return mask_free_text(value)
