"""Moving data in and out of vocrehab: VRMDS files, synthetic data, FHIR and the API."""
