"""Moving data in and out of vocrehab: VRMDS files (validate, import, export) and synthetic data."""
