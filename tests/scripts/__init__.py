"""Scripts the template's tests run inside the shared virtualenvs (with openmetadata-ingestion)."""
