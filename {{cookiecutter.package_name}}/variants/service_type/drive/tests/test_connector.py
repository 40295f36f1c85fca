"""The drive connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_drive``), not
from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, RunResult, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.directory import Directory
from metadata.generated.schema.entity.data.file import File
from metadata.generated.schema.entity.data.spreadsheet import Spreadsheet
from metadata.generated.schema.entity.data.worksheet import Worksheet
from metadata.generated.schema.entity.services.driveService import DriveService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.drive.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.drive.{{ cookiecutter.module_name }}.models import (
    DIRECTORIES,
    FILES,
    SPREADSHEETS,
    SUBDIRECTORIES,
    WORKSHEETS,
    RemoteWorksheet,
)
from metadata.ingestion.source.drive.{{ cookiecutter.module_name }}.records import Resource
from metadata.utils import fqn

from .conftest import TEST_SERVICE
from .support import (
    edit_records,
    ingest,
    read,
    rights,
    run_twice,
    run_twice_with_a_failing_record,
    run_twice_with_an_unreadable_page,
    system_client,
    tag_fqns,
    tags_of,
)

# The fields read back per entity type (each one of the server's fields of that type).
FIELDS = {
    Directory: "parent,tags,owners",
    File: "directory,tags,owners",
    Spreadsheet: "tags,owners",
    Worksheet: "spreadsheet,columns,tags,owners",
}
# The resources of the system holding each entity type's records.
RESOURCES: dict[type[Any], tuple[Resource[Any], ...]] = {
    Directory: (DIRECTORIES, SUBDIRECTORIES),
    File: (FILES,),
    Spreadsheet: (SPREADSHEETS,),
    Worksheet: (WORKSHEETS,),
}


@dataclass(frozen=True)
class Held:
    """A record of the system: its entity type, its FQN as the server builds it, its parent's."""

    kind: type[Any]
    fqn: str
    parent: str | None
    record: Any


@dataclass
class Drive:
    """Everything the client reads, parents before their children."""

    entities: list[Held] = field(default_factory=list)

    def of(self, kind: type[Any]) -> list[Held]:
        return [held for held in self.entities if held.kind is kind]

    def below(self, top: Held) -> list[Held]:
        """``top`` and everything inside it, at any depth."""
        return [held for held in self.entities if f"{held.fqn}.".startswith(f"{top.fqn}.")]

    def removable(self, kind: type[Any]) -> Held:
        """The last record of ``kind`` that has a sibling: OpenMetadata 2.0 servers delete
        nothing in a scope where the run saw nothing (it looks like a failed read)."""
        return [
            held
            for held in self.of(kind)
            if any(other.parent == held.parent for other in self.of(kind) if other is not held)
        ][-1]

    def unique(self, kind: type[Any]) -> list[Held]:
        """The records of ``kind`` whose name no other record of that kind has."""
        names = [held.record.name for held in self.of(kind)]
        return [held for held in self.of(kind) if names.count(held.record.name) == 1]


def child_fqn(parent: str | None, name: str) -> str:
    """The server's rule: the parent's FQN (or the service's) and the quoted name."""
    return f"{parent or fqn.quote_name(TEST_SERVICE)}.{fqn.quote_name(name)}"


def system_drive(connection_options: dict[str, str]) -> Drive:
    drive = Drive()

    def walk(records: list[Any], path: str, parent: str | None) -> None:
        for record in records:
            directory = Held(Directory, child_fqn(parent, record.name), parent, record)
            drive.entities.append(directory)
            record_path = f"{path}/{record.name}" if path else record.name
            for file in rights(client.records(FILES, directory=record_path)):
                drive.entities.append(
                    Held(File, child_fqn(directory.fqn, file.name), directory.fqn, file)
                )
            walk(
                list(rights(client.records(SUBDIRECTORIES, directory=record_path))),
                record_path,
                directory.fqn,
            )

    with system_client(connection_options) as client:
        walk(list(rights(client.records(DIRECTORIES))), "", None)
        for spreadsheet in list(rights(client.records(SPREADSHEETS))):
            sheet = Held(Spreadsheet, child_fqn(None, spreadsheet.name), None, spreadsheet)
            drive.entities.append(sheet)
            for worksheet in rights(client.records(WORKSHEETS, spreadsheet=spreadsheet.name)):
                drive.entities.append(
                    Held(Worksheet, child_fqn(sheet.fqn, worksheet.name), sheet.fqn, worksheet)
                )
    assert all(drive.of(kind) for kind in FIELDS), "the example system has every kind of entity"
    assert any(held.parent for held in drive.of(Directory)), "the example system nests directories"
    return drive


def read_entity(om_client: OpenMetadata, held: Held, include: str = "non-deleted") -> Any:
    path = om_client.get_suffix(held.kind)
    name = quote(held.fqn, safe="")
    return read(om_client, f"{path}/name/{name}?fields={FIELDS[held.kind]}&include={include}")


def run_twice_without(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    gone: Held,
    **source_config: Any,
) -> RunResult:
    """``run_twice``, the system no longer having the record of ``gone``."""
    return run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        RESOURCES[gone.kind],
        dropping(gone),
        **source_config,
    )


def dropping(gone: Held) -> Callable[[Any], Any | None]:
    """A change of the system: the record of ``gone`` is no longer there."""
    return lambda record: None if record == gone.record else record


def parent_of(stored: dict[str, Any], kind: type[Any]) -> str | None:
    reference_field = {Directory: "parent", File: "directory", Worksheet: "spreadsheet"}
    reference = stored.get(reference_field.get(kind, "")) or {}
    return reference.get("fullyQualifiedName")


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_everything_under_its_parent(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(DriveService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None and service.description.root
    for held in drive.entities:
        stored = read_entity(om_client, held)
        assert stored is not None, held.fqn
        assert stored.get("description") == held.record.description, held.fqn
        assert stored["service"]["name"] == TEST_SERVICE
        assert parent_of(stored, held.kind) == held.parent, held.fqn


def test_files_keep_their_type_mime_type_and_size(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)
    assert ingest(stand_in, connection_options).passed
    for held in drive.of(File):
        stored = read_entity(om_client, held)
        assert stored.get("fileType") == held.record.file_type
        assert stored.get("mimeType") == held.record.mime_type
        assert stored.get("size") == held.record.size


def test_worksheets_carry_the_columns_of_their_header_row(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)
    assert any(held.record.columns for held in drive.of(Worksheet))
    assert ingest(stand_in, connection_options).passed
    for held in drive.of(Worksheet):
        stored = read_entity(om_client, held)
        columns = stored.get("columns") or []
        assert [column["name"] for column in columns] == [c.name for c in held.record.columns]
        for column, record in zip(columns, held.record.columns, strict=True):
            assert column.get("description") == record.description
            assert column["dataTypeDisplay"] == record.type
        assert stored.get("rowCount") == held.record.row_count


def test_labels_become_tags_of_the_connector_s_classification(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)
    assert any(held.record.labels for held in drive.entities)

    assert ingest(stand_in, connection_options).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for held in drive.entities:
        assert tag_fqns(read_entity(om_client, held)) == tags_of(held.record.labels)
    for held in drive.of(Worksheet):
        columns = read_entity(om_client, held).get("columns") or []
        for column, record in zip(columns, held.record.columns, strict=True):
            assert tag_fqns(column) == tags_of(record.labels)


def test_no_tags_when_include_tags_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    assert ingest(stand_in, connection_options, includeTags=False).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None


@pytest.mark.parametrize("kind", list(FIELDS), ids=lambda kind: kind.__name__)
def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    kind: type[Any],
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    drive = system_drive(connection_options)
    names = iter(sorted({"admin", "nobody"}) * len(drive.of(kind)))  # a user, and no one
    edit_records(
        monkeypatch,
        RESOURCES[kind],
        lambda record: record.model_copy(update={"owner": next(names)}),
    )

    result = ingest(stand_in, connection_options, includeOwners=True)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for held in drive.of(kind):
        stored = read_entity(om_client, held)
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


def test_no_owners_unless_include_owners_is_on(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """``includeOwners`` is off by default for drive services, as in OpenMetadata's UI."""
    drive = system_drive(connection_options)
    assert any(held.record.owner for held in drive.entities)
    assert ingest(stand_in, connection_options).passed
    assert all(not read_entity(om_client, held).get("owners") for held in drive.entities)


# --- sourceConfig: filters and what to include ------------------------------------------------

PATTERNS = {
    Directory: "directoryFilterPattern",
    File: "fileFilterPattern",
    Spreadsheet: "spreadsheetFilterPattern",
    Worksheet: "worksheetFilterPattern",
}


@pytest.mark.parametrize("kind", list(PATTERNS), ids=lambda kind: kind.__name__)
def test_a_filtered_entity_is_never_sent_nor_what_it_holds_and_is_counted(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    kind: type[Any],
) -> None:
    drive = system_drive(connection_options)
    skipped = max(drive.unique(kind), key=lambda held: len(drive.below(held)))
    pattern = {"excludes": [f"^{re.escape(skipped.record.name)}$"]}

    result = ingest(stand_in, connection_options, **{PATTERNS[kind]: pattern})

    assert result.passed
    gone = drive.below(skipped)
    assert all(read_entity(om_client, held, "all") is None for held in gone)
    assert result.status["source"]["filtered"] == 1
    assert all(read_entity(om_client, held) for held in drive.entities if held not in gone)


@pytest.mark.parametrize(
    ("flag", "left_out"),
    [
        ("includeDirectories", (Directory, File)),
        ("includeFiles", (File,)),
        ("includeSpreadsheets", (Spreadsheet, Worksheet)),
        ("includeWorksheets", (Worksheet,)),
    ],
)
def test_an_include_setting_off_leaves_out_that_kind_of_entity(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    flag: str,
    left_out: tuple[type[Any], ...],
) -> None:
    drive = system_drive(connection_options)

    result = ingest(stand_in, connection_options, **{flag: False})

    assert result.passed
    for held in drive.entities:
        stored = read_entity(om_client, held, "all")
        assert (stored is None) is (held.kind in left_out), held.fqn


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"worksheetFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, worksheetFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


@pytest.mark.parametrize("kind", [File, Worksheet], ids=lambda kind: kind.__name__)
def test_an_entity_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    kind: type[Any],
) -> None:
    drive = system_drive(connection_options)
    gone = drive.removable(kind)

    second = run_twice_without(stand_in, connection_options, monkeypatch, gone)

    assert second.passed
    assert read_entity(om_client, gone) is None
    deleted = read_entity(om_client, gone, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert stand_in.store.deletions() == [gone.fqn]
    assert all(read_entity(om_client, held) for held in drive.entities if held is not gone)


def test_a_directory_the_system_no_longer_has_is_soft_deleted_once_with_its_content(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drive = system_drive(connection_options)
    gone = next(held for held in reversed(drive.of(Directory)) if held.parent)
    content = drive.below(gone)

    second = run_twice_without(stand_in, connection_options, monkeypatch, gone)

    assert second.passed
    assert stand_in.store.deletions().count(gone.fqn) == 1
    assert all(read_entity(om_client, held) is None for held in content)
    assert all(read_entity(om_client, held) for held in drive.entities if held not in content)


@pytest.mark.parametrize(
    ("kind", "flag"),
    [
        (File, "markDeletedFiles"),
        (Spreadsheet, "markDeletedSpreadsheets"),
        (Worksheet, "markDeletedWorksheets"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_nothing_is_deleted_when_its_mark_deleted_setting_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    kind: type[Any],
    flag: str,
) -> None:
    drive = system_drive(connection_options)
    gone = drive.removable(kind)

    second = run_twice_without(stand_in, connection_options, monkeypatch, gone, **{flag: False})

    assert second.passed
    assert read_entity(om_client, gone) is not None
    assert stand_in.store.deletions() == []


def test_worksheets_of_a_spreadsheet_the_run_does_not_read_are_untouched(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)
    spreadsheet = next(held for held in drive.unique(Spreadsheet) if len(drive.below(held)) > 1)
    pattern = {"excludes": [f"^{re.escape(spreadsheet.record.name)}$"]}

    assert ingest(stand_in, connection_options).passed
    second = ingest(
        stand_in,
        connection_options,
        spreadsheetFilterPattern=pattern,
        markDeletedSpreadsheets=False,
    )

    assert second.passed
    assert all(read_entity(om_client, held) for held in drive.below(spreadsheet))
    assert stand_in.store.deletions() == []


def test_a_directory_the_filter_now_leaves_out_is_deleted_the_service_is_the_scope(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """As OpenMetadata's own drive sources do: every directory of the service is
    compared with what the run read, so filtering one out later removes it."""
    drive = system_drive(connection_options)
    directory = next(held for held in reversed(drive.unique(Directory)) if held.parent)
    pattern = {"excludes": [f"^{re.escape(directory.record.name)}$"]}

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, directoryFilterPattern=pattern)

    assert second.passed
    assert stand_in.store.deletions().count(directory.fqn) == 1
    assert read_entity(om_client, directory) is None


def test_a_kind_of_entity_the_run_leaves_out_is_not_deleted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    drive = system_drive(connection_options)

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, includeFiles=False)

    assert second.passed
    assert stand_in.store.deletions() == []
    assert all(read_entity(om_client, held) for held in drive.of(File))


# --- Errors -----------------------------------------------------------------------------------


def with_a_column_twice(broken: RemoteWorksheet) -> Callable[[RemoteWorksheet], RemoteWorksheet]:
    """A change of the system: the worksheet ``broken`` has a column twice, which the
    connector refuses."""
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    return lambda sheet: duplicated if sheet == broken else sheet


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drive = system_drive(connection_options)
    broken = next(held for held in drive.of(Worksheet) if held.record.columns)
    record = broken.record
    edit_records(monkeypatch, WORKSHEETS, with_a_column_twice(record))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert record.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_entity(om_client, broken) is None
    assert all(read_entity(om_client, held) for held in drive.entities if held is not broken)


def test_a_worksheet_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its worksheet stays as the last run
    left it."""
    drive = system_drive(connection_options)
    broken = next(held for held in drive.of(Worksheet) if held.record.columns)
    record = broken.record

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        WORKSHEETS,
        with_a_column_twice(record),
        failing=record.name,
        error="a column name appears twice",
    )

    assert read_entity(om_client, broken) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a file the system no longer has stays."""
    drive = system_drive(connection_options)
    gone = drive.removable(File)

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, RESOURCES[File], dropping(gone)
    )

    assert read_entity(om_client, gone) is not None
