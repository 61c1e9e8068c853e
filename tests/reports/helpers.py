"""Building report test data: a VRMDS folder loaded with the ORM, and small factories.

No VRMDS importer had landed when these tests were written, so :func:`load_vrmds`
creates the rows directly; it reads only what the reports use.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

from vocrehab.accounts.models import Service
from vocrehab.casework.models import Contact, ContactIntervention, OnwardReferral
from vocrehab.clients.models import Client
from vocrehab.episodes.models import Episode
from vocrehab.measures.models import Administration, ItemValue
from vocrehab.measures.scores import refresh_scores

DATA = Path(__file__).parent / "data"
_refs = itertools.count(1)


def read_csv(folder: Path, name: str) -> list[dict]:
    path = Path(folder) / f"{name}.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _int(text):
    return int(text) if text not in ("", None) else None


def load_vrmds(folder: Path, services: dict[str, Service]) -> dict[str, Episode]:
    """Create the episodes, contacts, onward rows and measures of a VRMDS folder."""
    episodes: dict[str, Episode] = {}
    clients: dict[tuple[int, str], Client] = {}
    for row in read_csv(folder, "episodes"):
        service = services[row["service_code"]]
        key = (service.pk, row["client_id"])
        if key not in clients:
            clients[key] = Client.objects.create(service=service, reference=row["client_id"])
        tier = row.get("tier", "")
        episodes[row["episode_id"]] = Episode.objects.create(
            service=service,
            client=clients[key],
            reference=row["episode_id"],
            previous_episode=episodes.get(row.get("previous_episode_id") or ""),
            referral_date=_date(row["referral_date"]),
            referral_source=row["referral_source"],
            first_contact_date=_date(row.get("first_contact_date")),
            assessment_date=_date(row.get("assessment_date")),
            sex=row.get("sex", ""),
            age_at_referral=_int(row.get("age_at_referral")),
            ethnicity=row.get("ethnicity", ""),
            area_code=row.get("area_code", ""),
            deprivation_index=row.get("deprivation_index", ""),
            deprivation_rank=_int(row.get("deprivation_rank")),
            deprivation_decile=_int(row.get("deprivation_decile")),
            condition=row["condition"],
            condition_detail=row.get("condition_detail", ""),
            diagnosis_date=_date(row.get("diagnosis_date")),
            occupation=row.get("occupation", ""),
            work_status_at_referral=row["work_status_at_referral"],
            weeks_absent_at_referral=_int(row.get("weeks_absent_at_referral")),
            main_reason=row["main_reason"],
            tier=tier,
            highest_tier=tier,
            engagement=row.get("engagement", ""),
            discharge_date=_date(row.get("discharge_date")),
            work_status_at_discharge=row.get("work_status_at_discharge", ""),
            # VRMDS followup_date is the date the follow-up status was collected.
            followup_date=_date(row.get("followup_date")),
            followup_collected_on=_date(row.get("followup_date")),
            work_status_at_followup=row.get("work_status_at_followup", ""),
        )
    for row in read_csv(folder, "contacts"):
        contact = Contact.objects.create(
            episode=episodes[row["episode_id"]],
            contact_date=_date(row["contact_date"]),
            mode=row["mode"],
            contact_with=row.get("with") or "client",
            minutes=_int(row.get("minutes")),
        )
        codes = [c for c in (row.get("interventions") or "").split(";") if c]
        for position, code in enumerate(codes):
            ContactIntervention.objects.create(contact=contact, code=code, position=position)
    for row in read_csv(folder, "onward"):
        OnwardReferral.objects.create(
            episode=episodes[row["episode_id"]],
            date=_date(row["date"]),
            kind=row["kind"],
            category=row["category"],
            service_name=row.get("service_name", ""),
        )
    administrations: dict[tuple, Administration] = {}
    for row in read_csv(folder, "measures"):
        key = (row["episode_id"], row["instrument"], row["timepoint"])
        if key not in administrations:
            administrations[key] = Administration.objects.create(
                episode=episodes[row["episode_id"]],
                instrument=row["instrument"],
                timepoint=row["timepoint"],
                date=_date(row["date"]),
            )
        ItemValue.objects.create(
            administration=administrations[key], item=row["item"], value=float(row["value"])
        )
    refresh_scores(a.pk for a in administrations.values())
    return episodes


def make_episode(service, **fields) -> Episode:
    """An episode with sensible defaults; ``client`` may be given to make a re-referral."""
    n = next(_refs)
    client = fields.pop("client", None) or Client.objects.create(
        service=service, reference=f"C-{n}"
    )
    defaults = {
        "reference": f"E-{n}",
        "referral_date": dt.date(2024, 1, 8),
        "referral_source": "acute_nhs",
        "condition": "cancer",
        "work_status_at_referral": "off_sick",
        "main_reason": "return_from_sickness",
    }
    defaults.update(fields)
    if "tier" in defaults and "highest_tier" not in defaults:
        defaults["highest_tier"] = defaults["tier"]
    return Episode.objects.create(service=service, client=client, **defaults)


def give_measure(episode, instrument, timepoint, values: dict, *, status="completed"):
    administration = Administration.objects.create(
        episode=episode, instrument=instrument, timepoint=timepoint, status=status
    )
    for item, value in values.items():
        ItemValue.objects.create(administration=administration, item=item, value=value)
    refresh_scores([administration.pk])
    return administration


def cell(report_or_table, table_id=None, **dims):
    """The one cell of a table whose dimensions match ``dims``."""
    table = report_or_table["tables"][table_id] if table_id else report_or_table
    found = [c for c in table["cells"] if all(str(c.get(k)) == str(v) for k, v in dims.items())]
    assert len(found) == 1, f"{len(found)} cells match {dims} in {table_id}"
    return found[0]
