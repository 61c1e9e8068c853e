"""The VRMDS v1 file layer: read a dataset safely, check it against the standard, parse it."""
