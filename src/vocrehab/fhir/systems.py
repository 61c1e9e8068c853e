"""Every URL the FHIR interface names: identifier systems, code systems, profiles.

One base for the project's own systems, so a deployment that publishes its code
systems somewhere else changes one line.
"""

from __future__ import annotations

FHIR_VERSION = "4.0.1"

# The project's own identifier and code systems live under this base.
BASE = "https://vocrehab.example/fhir"

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
# Scotland's Community Health Index number has no system in UK Core; the project names one.
CHI_NUMBER = f"{BASE}/Id/chi-number"
SERVICE = f"{BASE}/Id/service"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"


def client_reference(service_code: str) -> str:
    """A service's client references (VRMDS ``client_id``): unique within that service."""
    return f"{BASE}/Id/{service_code}/client-reference"


def episode_reference(service_code: str) -> str:
    return f"{BASE}/Id/{service_code}/episode-reference"


def code_system(name: str) -> str:
    """The project's code system ``name`` (a VRMDS code list, or a questionnaire's scores)."""
    return f"{BASE}/CodeSystem/{name}"


def extension(name: str) -> str:
    return f"{BASE}/StructureDefinition/{name}"


def questionnaire_url(instrument_code: str) -> str:
    return f"{BASE}/Questionnaire/{instrument_code}"


_UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"

# The UK Core profile each resource claims; Goal has none in UK Core, so it claims none.
PROFILES: dict[str, str] = {
    name: _UK_CORE + name
    for name in (
        "Patient",
        "EpisodeOfCare",
        "ServiceRequest",
        "Encounter",
        "Questionnaire",
        "QuestionnaireResponse",
        "Observation",
        "CarePlan",
    )
}

# Scores with a LOINC code we are sure of: (instrument code, score name) -> (code, display).
# Instruments defined later under these codes pick them up; every score also carries the
# project's own code (``scores`` code system, "<instrument>.<score>").
LOINC_SCORES: dict[tuple[str, str], tuple[str, str]] = {
    ("phq9", "total"): ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score"),
    ("gad7", "total"): ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score"),
}
