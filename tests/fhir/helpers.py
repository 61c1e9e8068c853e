"""Checking resources with fhir.resources (the FHIR R4B models: R4's resources unchanged)."""

from fhir.resources.R4B import get_fhir_model_class

from vocrehab.clients.identifiers import is_valid_nhs_number
from vocrehab.fhir import systems


def validate(resource: dict):
    """Parse and validate ``resource`` as its type; raises on any error."""
    model = get_fhir_model_class(resource["resourceType"])
    return model.model_validate(resource)


def check_uk_core(resource: dict) -> None:
    """The UK Core elements the server claims: the profile, and NHS number identifiers
    (UK Core's ``identifier:nhsNumber`` slice: at most one, its system and a value of ten
    digits with a valid check digit)."""
    profile = systems.PROFILES.get(resource["resourceType"])
    if profile:
        assert resource["meta"]["profile"] == [profile]
    if resource["resourceType"] == "Patient":
        for identifier in resource["identifier"]:
            assert identifier["system"] and identifier["value"]
        nhs = [i["value"] for i in resource["identifier"] if i["system"] == systems.NHS_NUMBER]
        assert len(nhs) <= 1
        for value in nhs:
            assert len(value) == 10 and value.isdigit() and is_valid_nhs_number(value), value


def entries(bundle: dict) -> list[dict]:
    return [entry["resource"] for entry in bundle.get("entry", [])]
