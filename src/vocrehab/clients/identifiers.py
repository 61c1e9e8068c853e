"""NHS and CHI numbers: normalising and checking what people type.

The check-digit arithmetic lives once (:mod:`vocrehab.clients.check_digits`), used by
the VRMDS validator too, so an import and a form can never disagree about whether a
number is valid.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .check_digits import nhs_number_valid
from .models import IdentifierType

_SEPARATORS = re.compile(r"[\s\-]")


def normalise_nhs_number(text: str) -> str:
    """Strip the spaces and hyphens people type (``943 476 5919``, ``943-476-5919``)."""
    return _SEPARATORS.sub("", text or "")


def is_valid_nhs_number(number: str) -> bool:
    """True for a 10-digit NHS or CHI number whose check digit holds.

    Numbers of one repeated digit (``0000000000``) pass the arithmetic but are never
    issued, and are typed as placeholders; they are refused.
    """
    number = normalise_nhs_number(number)
    if len(set(number)) == 1:
        return False
    return nhs_number_valid(number)


def validate_nhs_number(value: str) -> None:
    """Django validator: raise a plain-English ValidationError for a wrong number."""
    number = normalise_nhs_number(value)
    if not number:
        return
    if not number.isdigit() or len(number) != 10:
        raise ValidationError(
            _("Enter the NHS or CHI number as 10 digits, for example 943 476 5919."),
            code="format",
        )
    if not is_valid_nhs_number(number):
        raise ValidationError(
            _("This NHS or CHI number is not valid. Check it has been typed correctly."),
            code="check_digit",
        )


def looks_like_chi(number: str, date_of_birth: datetime.date | None = None) -> bool:
    """True when the first six digits read as a date of birth (DDMMYY), as a CHI's do.

    With ``date_of_birth`` the date must match it. NHS numbers in England start with
    4, 6 or 9, so a Scottish service can tell the two apart in most cases.
    """
    number = normalise_nhs_number(number)
    if len(number) != 10 or not number.isdigit():
        return False
    try:
        day, month, year = int(number[0:2]), int(number[2:4]), int(number[4:6])
        if date_of_birth is not None:
            return (day, month, year) == (
                date_of_birth.day,
                date_of_birth.month,
                date_of_birth.year % 100,
            )
        datetime.date(2000 + year, month, day)
    except ValueError:
        return False
    return True


def identifier_type_for(number: str, *, scottish: bool, date_of_birth=None) -> str:
    """The identifier type to record: CHI in a Scottish service when it reads as one."""
    if not number:
        return ""
    if scottish and looks_like_chi(number, date_of_birth):
        return IdentifierType.CHI
    return IdentifierType.NHS
