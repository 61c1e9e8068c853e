"""NHS and CHI number check digits: the arithmetic, once.

Pure Python with no Django import, so the VRMDS validator, the importer and the forms
(:mod:`vocrehab.clients.identifiers`) all use the same rule.
"""

from __future__ import annotations

import datetime as dt
import re

_TEN_DIGITS = re.compile(r"\d{10}")


def nhs_number_valid(number: str) -> bool:
    """True if ``number`` is 10 digits with a valid check digit.

    An NHS number or CHI number passes with the Modulus 11 check digit. From 2026 some
    new CHI numbers carry a Modulus 10 (Luhn) check digit instead (phsmethods
    ``chi_check``); that is accepted only when the first six digits are a real date of
    birth (DDMMYY), as a CHI number's are.
    """
    if not _TEN_DIGITS.fullmatch(number):
        return False
    digits = [ord(c) - 48 for c in number]
    remainder = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=False)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    if check == digits[9]:
        return True
    return _chi_date_valid(number) and _luhn_check_digit(digits[:9]) == digits[9]


def _luhn_check_digit(nine: list[int]) -> int:
    total = 0
    for position, digit in enumerate(nine, start=1):
        if position % 2 == 1:  # digits 1, 3, 5, 7, 9 are doubled, counting from the left
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def _chi_date_valid(number: str) -> bool:
    try:
        dt.date(2000 + int(number[4:6]), int(number[2:4]), int(number[0:2]))
    except ValueError:
        # 29 February: a valid DDMMYY only needs some century where it exists.
        if number[0:4] == "2902":
            return int(number[4:6]) % 4 == 0
        return False
    return True
