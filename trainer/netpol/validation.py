"""The API server's rules: to be written."""


def validate_manifest(manifest):
    return []
