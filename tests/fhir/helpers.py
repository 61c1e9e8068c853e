"""Checking resources with fhir.resources (the FHIR R4B models: R4's resources unchanged)."""

from fhir.resources.R4B import get_fhir_model_class

from vocrehab.fhir import systems


def validate(resource: dict):
    """Parse and validate ``resource`` as its type; raises on any error."""
    model = get_fhir_model_class(resource["resourceType"])
    return model.model_validate(resource)


def check_uk_core(resource: dict) -> None:
    """The UK Core elements the server claims: the profile, and NHS number identifiers."""
    profile = systems.PROFILES.get(resource["resourceType"])
    if profile:
        assert resource["meta"]["profile"] == [profile]
    if resource["resourceType"] == "Patient":
        for identifier in resource["identifier"]:
            assert identifier["system"] and identifier["value"]


def entries(bundle: dict) -> list[dict]:
    return [entry["resource"] for entry in bundle.get("entry", [])]
