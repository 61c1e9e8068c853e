"""Writes to client records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vocrehab.codes import Nation
from vocrehab.versioning import save_versioned

from .identifiers import identifier_type_for
from .models import Client
from .postcodes import deprivation_for

DEPRIVATION_FIELDS = ["area_code", "deprivation_index", "deprivation_rank", "deprivation_decile"]


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
    return save_versioned(client, version, fields)
