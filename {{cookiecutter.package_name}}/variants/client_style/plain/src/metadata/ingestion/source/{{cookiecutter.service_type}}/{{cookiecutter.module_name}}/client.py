{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The client of your system: where the connector's records come from.

TODO: this client reads the example system's records from a JSON file
(``example_records.json``: each resource path of ``models.py`` mapped to its records).
Replace ``records`` with calls to your system (its SDK, its API, its files), keeping
its contract:

- ``records(resource, **parents)`` yields one ``Either`` per record of ``resource``:
  ``right`` the record (an instance of ``resource.model``), ``left`` a record or a page
  that could not be read, with what is wrong. Never raise for one bad record: yield its
  ``left`` and go on. Fetch lazily (page by page) so that memory does not grow with the
  size of your system.
- ``check_access()`` raises, with a clear message, when your system cannot be reached.
- ``close()`` releases what the client holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metadata.ingestion.api.models import Either

from .records import M, RecordError, Resource, failure, parse_record

if TYPE_CHECKING:
    from .connection import {{ prefix }}Options

EXAMPLE_RECORDS = Path(__file__).with_name("example_records.json")


class {{ prefix }}Client:
    """Reads the records of your system (here: the example system's file)."""

    def __init__(self, options: {{ prefix }}Options) -> None:
        self.options = options
        self._records: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._records is None:
            path = self.options.records_file
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except OSError as err:
                raise RecordError(f"cannot read {path}: {err.strerror or err}") from None
            except ValueError as err:
                raise RecordError(f"{path} is not JSON: {err}") from None
            if not isinstance(loaded, dict):
                raise RecordError(f"{path} must hold a JSON object of resource paths")
            self._records = loaded
        return self._records

    def check_access(self) -> None:
        """Raise if the system cannot be reached with these options."""
        # TODO: make one cheap, authenticated call to your system here.
        self._load()

    def records(self, resource: Resource[M], **parents: str) -> Iterator[Either]:
        """One ``Either`` per record of ``resource`` under ``parents``."""
        path = resource.at(**parents)
        try:
            raw_records = self._load().get(path, [])
        except RecordError as err:
            yield failure(path, f"Cannot read {path}: {err}", err)
            return
        for position, raw in enumerate(raw_records):
            yield parse_record(resource, raw, f"{path}[{position}]")

    def close(self) -> None:
        """Release what the client holds (sessions, connection pools)."""
        self._records = None
