"""Reads for users: their second-factor device."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    """The user's authenticator, once set up (None before)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
