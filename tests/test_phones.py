"""One rule for a phone number, held by every stored phone field: whatever the way in
(a page, the admin, the API), a value that is not a phone number is refused."""

import pytest
from django.core.exceptions import ValidationError

from vocrehab.accounts.models import Service
from vocrehab.casework.models import EmployerContact
from vocrehab.clients.models import Client
from vocrehab.directory.models import DirectoryService
from vocrehab.episodes.models import Episode
from vocrehab.phones import validate_phone

FIELDS = [
    (Service, "phone"),
    (Client, "phone"),
    (Episode, "referrer_phone"),
    (EmployerContact, "phone"),
    (DirectoryService, "phone"),
]


@pytest.mark.parametrize(("model", "name"), FIELDS)
def test_every_phone_field_holds_the_rule(model, name):
    field = model._meta.get_field(name)
    assert validate_phone in field.validators
    with pytest.raises(ValidationError, match="digits only"):
        field.clean("ask at reception", None)
    assert field.clean("0141 496 0000", None) == "0141 496 0000"


@pytest.mark.parametrize(
    "number", ["0141 496 0000", "(0141) 496 0000", "+44 141 496 0000", "07700900123", ""]
)
def test_numbers_people_write_are_accepted(number):
    validate_phone(number)


@pytest.mark.parametrize("text", ["call me", "0141-496-0000 ext 2", "123", "1" * 21])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValidationError):
        validate_phone(text)
