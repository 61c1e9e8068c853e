"""Subject access: everything held about one person, as JSON and as a PDF, in one zip.

"Everything" is every record that hangs off the client, found by following the
relations that point at it (episodes, and everything that hangs off an episode:
contacts, notes, assessments, goals, plans, questionnaires and their answers,
documents, letters, onward referrals, enrolments, ...), so a new kind of record is
included without changing this module. Added to that: the access log of who looked at
the person's records, the change history (earlier values, such as a former address,
are information held about them too), and the files of their documents. Secrets
(questionnaire link nonces and digests) are left out: they are not information about
the person.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from vocrehab.audit.models import AccessEvent
from vocrehab.audit.queries import filter_events

from .models import Client

SECRET_WORDS = ("nonce", "digest", "token", "secret", "password")


@dataclass
class SubjectAccess:
    client: Client
    json_bytes: bytes
    pdf_bytes: bytes
    files: dict[str, bytes]

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("subject-access.json", self.json_bytes)
            zf.writestr("subject-access.pdf", self.pdf_bytes)
            for name, data in self.files.items():
                zf.writestr(f"documents/{name}", data)
        return buffer.getvalue()


def _is_secret(name: str) -> bool:
    return any(word in name for word in SECRET_WORDS)


def _value(obj, field):
    value = getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    if field.choices and value not in (None, ""):
        return f"{value} ({getattr(obj, f'get_{field.name}_display')()})"
    return value


def _record(obj) -> dict:
    fields = {}
    for field in obj._meta.concrete_fields:
        if _is_secret(field.name):
            continue
        fields[str(field.verbose_name)] = _value(obj, field)
    return fields


def held_records(client: Client) -> list[models.Model]:
    """Every record that belongs to ``client``: the client and all that hangs off them.

    Follows every relation that points at the client, then at what was found, and so on
    (episodes, then contacts, notes, answers, documents, ...), one query per kind of
    record and level, whatever the relation's delete rule. The access log is added by
    :func:`collect`; staff accounts and code lists are not the person's records.
    """
    found: dict[type, dict] = {Client: {client.pk: client}}
    frontier: list[tuple[type, list]] = [(Client, [client.pk])]
    while frontier:
        model, ids = frontier.pop(0)
        for relation in model._meta.related_objects:
            if relation.many_to_many or not relation.field.concrete:
                continue
            related = relation.related_model
            if not related.__module__.startswith("vocrehab.") or related.__module__.startswith(
                "vocrehab.audit."
            ):
                continue
            seen = found.setdefault(related, {})
            new = [
                obj
                for obj in related._base_manager.filter(**{f"{relation.field.name}__in": ids})
                if obj.pk not in seen
            ]
            for obj in new:
                seen[obj.pk] = obj
            if new:
                frontier.append((related, [obj.pk for obj in new]))
    return [obj for objects in found.values() for obj in sorted(objects.values(), key=_pk)]


def _pk(obj):
    return obj.pk


def collect(client: Client) -> dict:
    """What is held about ``client``, grouped by kind of record, as plain data."""

    sections: dict[str, list[dict]] = {}
    files: dict[str, bytes] = {}
    for obj in held_records(client):
        title = str(obj._meta.verbose_name_plural).capitalize()
        sections.setdefault(title, []).append(_record(obj))
        for field in obj._meta.concrete_fields:
            if isinstance(field, models.FileField) and getattr(obj, field.attname):
                stored = getattr(obj, field.name)
                try:
                    with stored.open("rb") as fh:
                        files[f"{obj.pk}-{stored.name.rsplit('/', 1)[-1]}"] = fh.read()
                except OSError:
                    continue
    log = filter_events(client_id=client.pk).order_by("timestamp", "id")
    sections["Access log"] = [
        {
            "when": event.timestamp,
            "who": event.user_email,
            "action": event.get_action_display(),
            "record": f"{event.object_type} {event.object_id}".strip(),
            "detail": event.detail,
        }
        for event in log.only(*[f.name for f in AccessEvent._meta.concrete_fields])
    ]
    history = (
        LogEntry.objects.filter(additional_data__client_id=client.pk)
        .select_related("content_type", "actor")
        .order_by("timestamp", "id")
    )
    sections["Change history"] = [
        {
            "when": entry.timestamp,
            "who": entry.actor.email if entry.actor is not None else entry.actor_email or "",
            "action": entry.get_action_display(),
            "record": f"{_label(entry.content_type)} {entry.object_pk}",
            "changes": {
                field: values
                for field, values in entry.changes_dict.items()
                if not _is_secret(field)
            },
        }
        for entry in history
    ]
    return {"sections": sections, "files": files}


def subject_access(client: Client, *, by_label: str = "") -> SubjectAccess:
    """Everything held about ``client`` as JSON, a PDF and their documents' files."""
    collected = collect(client)
    made = timezone.now()
    data = {
        "subject_access_for": {"client": client.reference, "service": client.service.code},
        "made_at": made,
        "made_by": by_label,
        "records": collected["sections"],
        "documents": sorted(collected["files"]),
    }
    json_bytes = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
    html = render_to_string(
        "clients/subject_access.html",
        {
            "client": client,
            "made": made,
            "by": by_label,
            "sections": [
                (title, _columns(rows), [[_shown(r.get(c)) for c in _columns(rows)] for r in rows])
                for title, rows in collected["sections"].items()
            ],
            "documents": sorted(collected["files"]),
        },
    )
    # WeasyPrint is heavy: loaded only when a PDF is made.
    from weasyprint import HTML

    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    return SubjectAccess(client, json_bytes, pdf, collected["files"])


def _columns(rows: list[dict]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%-d %b %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        # A change: each field with its value before and after.
        return "; ".join(f"{field}: {_change(values)}" for field, values in value.items())
    return str(value)


def _label(content_type) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def _change(values) -> str:
    if isinstance(values, list | tuple) and len(values) == 2:
        return f"{values[0]} to {values[1]}"
    return str(values)


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError("The subject access PDF loads no external resources.")
