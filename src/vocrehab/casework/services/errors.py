"""The error every casework write raises when a rule is broken."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CaseworkError(ValidationError):
    """A casework rule was broken; the message says which and how to put it right."""
