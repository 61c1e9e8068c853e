"""Phone numbers as people type them: one rule for every form that asks for one."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits with the spaces, brackets and leading "+" people write: "0141 496 0000",
# "(0141) 496 0000", "+44 141 496 0000". Long enough for a real number, no longer.
_PHONE = re.compile(r"^[0-9+() ]{7,20}$")


def validate_phone(value: str) -> None:
    """Refuse what cannot be a phone number (a blank is left to ``required``)."""
    if value and not _PHONE.match(value.strip()):
        raise ValidationError(
            _("Enter a phone number using digits only, for example 0141 496 0000."),
            code="phone",
        )
