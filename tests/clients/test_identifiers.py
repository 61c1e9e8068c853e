"""NHS and CHI numbers: Modulus 11, the CHI Luhn variant, normalising, messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from vocrehab.clients.identifiers import (
    identifier_type_for,
    is_valid_nhs_number,
    normalise_nhs_number,
    validate_nhs_number,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "0101011237"])
def test_valid_numbers(number):
    assert is_valid_nhs_number(number)
    validate_nhs_number(number)


def _mod11(stem):
    check = 11 - sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
    return 0 if check == 11 else check


def _luhn(stem):
    total = 0
    for position, ch in enumerate(stem, start=1):
        d = int(ch)
        if position % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return (10 - total % 10) % 10


def test_check_digit_of_zero():
    # Weighted sum a multiple of 11: 11 - 0 = 11, which becomes check digit 0.
    stem = next(f"{n:09d}" for n in range(400000000, 400001000) if _mod11(f"{n:09d}") == 0)
    assert is_valid_nhs_number(stem + "0")


def test_check_digit_of_ten_is_never_valid():
    # An NHS-style stem (not a date) whose check would be 10: no tenth digit is valid.
    stem = next(f"{n:09d}" for n in range(400000000, 400001000) if _mod11(f"{n:09d}") == 10)
    assert not any(is_valid_nhs_number(stem + str(d)) for d in range(10))


def test_chi_with_luhn_check_digit_is_accepted():
    stem = next(
        s for s in (f"010101{n:03d}" for n in range(1000)) if _mod11(s) not in (_luhn(s), 10)
    )
    assert is_valid_nhs_number(stem + str(_luhn(stem)))
    # The Luhn variant is only for CHIs: the first six digits must be a date of birth.
    nhs_stem = next(
        s for s in (f"94347{n:04d}" for n in range(10000)) if _mod11(s) not in (_luhn(s), 10)
    )
    assert not is_valid_nhs_number(nhs_stem + str(_luhn(nhs_stem)))


@pytest.mark.parametrize(
    "number,code",
    [
        ("943476591", "format"),
        ("94347659190", "format"),
        ("94347A5919", "format"),
        ("9434765918", "check_digit"),
        ("1111111111", "check_digit"),
        ("0000000000", "check_digit"),
    ],
)
def test_invalid_numbers_name_the_problem(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_nhs_number(number)
    assert caught.value.code == code


def test_blank_is_allowed_by_the_validator():
    validate_nhs_number("")


def test_normalise():
    assert normalise_nhs_number(" 943 476-5919 ") == "9434765919"


def test_identifier_type():
    born = datetime.date(2001, 1, 1)
    assert identifier_type_for("0101011237", scottish=True, date_of_birth=born) == "chi"
    assert identifier_type_for("9434765919", scottish=True, date_of_birth=born) == "nhs"
    assert identifier_type_for("0101011237", scottish=False) == "nhs"
    assert identifier_type_for("", scottish=True) == ""
