"""The directory as CSV: import (all or nothing, errors by row and column) and export.

Lists (categories, conditions, areas) are separated by semicolons. Dates are
YYYY-MM-DD. The export neutralises cells that a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vocrehab.codes import Condition, OnwardCategory
from vocrehab.csvsafe import neutralise_cell

from .areas import normalise_area
from .models import DirectoryService, ProviderType
from .services import save_directory_service

COLUMNS = [
    "reference",
    "name",
    "provider_type",
    "categories",
    "conditions",
    "coverage_areas",
    "eligibility",
    "description",
    "email",
    "phone",
    "website",
    "address",
    "how_to_refer",
    "opening_times",
    "last_verified",
    "active",
]
REQUIRED = ("reference", "name", "provider_type", "categories")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class ImportError_:
    row: int  # spreadsheet row number: the header is row 1
    column: str
    message: str

    def __str__(self):
        where = _("Row %(row)s") % {"row": self.row}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


class DirectoryImportFailed(Exception):
    """Nothing was imported; ``errors`` says what is wrong, by row and column."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    references: list[str] = field(default_factory=list)


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(";") if t.strip()]


def _clean_row(number: int, raw: dict, errors: list[ImportError_]):
    def err(column, message):
        errors.append(ImportError_(number, column, str(message)))

    row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    for column in REQUIRED:
        if not row[column]:
            err(column, _("This column is required."))
    reference = row["reference"]
    if reference and slugify(reference) != reference:
        err("reference", _("Use lower-case letters, numbers and hyphens only."))
    if len(row["name"]) > 200:
        err("name", _("At most 200 characters."))
    if row["provider_type"] and row["provider_type"] not in ProviderType.values:
        err(
            "provider_type",
            _("%(value)s is not one of %(allowed)s.")
            % {"value": row["provider_type"], "allowed": ", ".join(ProviderType.values)},
        )
    categories = _split(row["categories"])
    for c in categories:
        if c not in OnwardCategory.values:
            err("categories", _("%(value)s is not an onward category.") % {"value": c})
    conditions = _split(row["conditions"])
    for c in conditions:
        if c not in Condition.values:
            err("conditions", _("%(value)s is not a condition code.") % {"value": c})
    areas = []
    for a in _split(row["coverage_areas"]):
        try:
            areas.append(normalise_area(a))
        except ValidationError as exc:
            err("coverage_areas", exc.messages[0])
    if row["email"]:
        try:
            EmailValidator()(row["email"])
        except ValidationError:
            err("email", _("Not an email address."))
    if row["website"]:
        try:
            URLValidator(schemes=["http", "https"])(row["website"])
        except ValidationError:
            err("website", _("Not a web address starting http:// or https://."))
    last_verified = None
    if row["last_verified"]:
        try:
            last_verified = datetime.date.fromisoformat(row["last_verified"])
        except ValueError:
            err("last_verified", _("Not a date in the form YYYY-MM-DD."))
    active = True
    if row["active"]:
        flag = row["active"].lower()
        if flag not in ("yes", "no", "true", "false", "1", "0"):
            err("active", _("Use yes or no."))
        active = flag in ("yes", "true", "1")
    values = {k: row[k] for k in COLUMNS if k not in ("categories", "conditions", "coverage_areas")}
    values.update(last_verified=last_verified, active=active)
    return values, categories, conditions, areas


def read_rows(data: bytes | str):
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise DirectoryImportFailed([ImportError_(0, "", _("The file is larger than 5 MB."))])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DirectoryImportFailed(
                [ImportError_(0, "", _("The file is not UTF-8 text. Save it as CSV UTF-8."))]
            ) from exc
    reader = csv.DictReader(io.StringIO(data))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    errors = [ImportError_(1, c, _("Required column is missing.")) for c in missing]
    errors += [ImportError_(1, c, _("Unknown column.")) for c in unknown]
    if errors:
        raise DirectoryImportFailed(errors)
    return reader


def import_directory(data: bytes | str, *, organisation) -> ImportResult:
    """Create or update entries (matched by reference) from CSV; all rows or none.

    Raises DirectoryImportFailed listing every problem by row and column, with nothing
    written. A row's lists replace the entry's categories, conditions and areas.
    """
    reader = read_rows(data)
    errors: list[ImportError_] = []
    cleaned = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(reader):
        number = index + 2
        if index >= MAX_ROWS:
            errors.append(ImportError_(number, "", _("More than 5000 rows.")))
            break
        if None in raw:
            errors.append(ImportError_(number, "", _("The row has more cells than the header.")))
            continue
        row = _clean_row(number, raw, errors)
        ref = row[0]["reference"]
        if ref in seen:
            errors.append(
                ImportError_(
                    number, "reference", _("Also used in row %(row)s.") % {"row": seen[ref]}
                )
            )
        seen[ref] = number
        cleaned.append((number, row))
    if errors:
        raise DirectoryImportFailed(errors)
    result = ImportResult()
    existing = {e.reference: e for e in DirectoryService.objects.filter(organisation=organisation)}
    with transaction.atomic():
        for number, (values, categories, conditions, areas) in cleaned:
            instance = existing.get(values["reference"])
            try:
                save_directory_service(
                    organisation=organisation,
                    values=values,
                    categories=categories,
                    conditions=conditions,
                    areas=areas,
                    instance=instance,
                )
            except ValidationError as exc:
                errors.extend(ImportError_(number, "", m) for m in exc.messages)
                continue
            if instance is None:
                result.created += 1
            else:
                result.updated += 1
            result.references.append(values["reference"])
        if errors:
            transaction.set_rollback(True)
            raise DirectoryImportFailed(errors)
    return result


def export_rows(queryset):
    """Header then one list of neutralised cells per entry (prefetch details first)."""
    yield COLUMNS
    for e in queryset:
        row = {
            "reference": e.reference,
            "name": e.name,
            "provider_type": e.provider_type,
            "categories": ";".join(e.category_codes),
            "conditions": ";".join(e.condition_codes),
            "coverage_areas": ";".join(e.area_codes),
            "eligibility": e.eligibility,
            "description": e.description,
            "email": e.email,
            "phone": e.phone,
            "website": e.website,
            "address": e.address,
            "how_to_refer": e.how_to_refer,
            "opening_times": e.opening_times,
            "last_verified": e.last_verified.isoformat() if e.last_verified else "",
            "active": "yes" if e.active else "no",
        }
        yield [neutralise_cell(row[c]) for c in COLUMNS]


def export_csv(queryset) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(queryset):
        writer.writerow(row)
    return buffer.getvalue()
