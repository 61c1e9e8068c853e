"""Writes to client records."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vocrehab.accounts.access import Perm, has_perm, is_supervised
from vocrehab.audit.models import Action
from vocrehab.audit.services import record_event
from vocrehab.codes import Nation
from vocrehab.versioning import save_versioned

from .identifiers import identifier_type_for
from .models import Client
from .postcodes import deprivation_for
from .signals import client_details_changed
from .subject_access import subject_access as make_subject_access

DEPRIVATION_FIELDS = ["area_code", "deprivation_index", "deprivation_rank", "deprivation_decile"]


def may_edit(user, client: Client) -> bool:
    """May ``user`` change ``client``'s personal details?

    Practitioners may, for any client of their service. A supervised support worker may
    change the details only of a client with an episode allocated to them, as for
    recording casework (``accounts.access.is_supervised``).
    """
    if not has_perm(user, Perm.EDIT_PERSON, client.service):
        return False
    if is_supervised(user, client.service):
        return client.episodes.filter(case_manager=user).exists()
    return True


def check_may_edit(user, client: Client) -> None:
    """Raise PermissionDenied unless :func:`may_edit`."""
    if not may_edit(user, client):
        raise PermissionDenied(_("Support workers change the details of their own clients only."))


@transaction.atomic
def update_client(client: Client, *, values: dict, version: int) -> Client:
    """Change a client's details if nobody else has since ``version`` (else StaleEditError).

    A changed postcode re-reads the area and deprivation from the look-up (cleared when
    the new postcode is not in it). The NHS/CHI number must stay unique in the service.
    """
    number = values.get("nhs_number", client.nhs_number)
    if (
        number
        and Client.objects.filter(service_id=client.service_id, nhs_number=number)
        .exclude(pk=client.pk)
        .exists()
    ):
        raise ValidationError(_("Another client of this service has this NHS or CHI number."))
    fields = list(values)
    # Compare with the stored value: a ModelForm has already copied its answers onto
    # ``client`` while validating.
    stored = Client.objects.filter(pk=client.pk).values_list("postcode", flat=True).first()
    postcode_changed = values.get("postcode", stored) != stored
    for name, value in values.items():
        setattr(client, name, value)
    client.identifier_type = identifier_type_for(
        client.nhs_number,
        scottish=client.service.nation == Nation.SCOTLAND,
        date_of_birth=client.date_of_birth,
    )
    fields.append("identifier_type")
    if postcode_changed:
        found = deprivation_for(client.postcode, client.service.nation)
        client.area_code = (found.local_authority_code or found.area_code) if found else ""
        client.deprivation_index = found.index if found else ""
        client.deprivation_rank = found.rank if found else None
        client.deprivation_decile = found.decile if found else None
        fields += DEPRIVATION_FIELDS
    client = save_versioned(client, version, fields)
    client_details_changed.send(sender=Client, client=client, fields=fields)
    return client


def subject_access(client: Client, *, by=None, request=None):
    """Everything held about ``client`` (JSON, PDF, documents, in a zip); audited.

    The export is written to the access log against the client, so the next subject
    access request shows this one too.
    """
    label = getattr(by, "email", "") if by is not None else "command line"
    result = make_subject_access(client, by_label=label)
    record_event(
        action=Action.EXPORT,
        request=request,
        user=by,
        obj=client,
        detail=f"subject access: {client.reference} (JSON, PDF, {len(result.files)} documents)",
    )
    return result


RIGHTS_FIELDS = ["processing_restricted", "restriction_reason", "accuracy_disputed", "dispute_note"]


@transaction.atomic
def set_rights_flags(client: Client, *, values: dict, version: int) -> Client:
    """Restrict processing or mark the record disputed (or lift either); each change is
    kept in the change history with old and new values. A flag set needs its reason."""
    if values.get("processing_restricted") and not values.get("restriction_reason", "").strip():
        raise ValidationError(_("Say why processing is restricted."))
    if values.get("accuracy_disputed") and not values.get("dispute_note", "").strip():
        raise ValidationError(_("Say what the person says is wrong."))
    for name in RIGHTS_FIELDS:
        setattr(client, name, values[name])
    client = save_versioned(client, version, list(RIGHTS_FIELDS))
    client_details_changed.send(sender=Client, client=client, fields=list(RIGHTS_FIELDS))
    return client
