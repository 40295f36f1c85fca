"""Refuse bad input before anything is generated.

Runs with nothing but cookiecutter installed: standard library only, Python >= 3.10.
Each problem is one line naming the variable, the value and what would be accepted;
then one line says where cookiecutter kept the answers, so that a retry does not mean
typing them all again. The exit status is 1 and cookiecutter removes the directory it
had just created.

The facts about service types, client styles and OpenMetadata releases come from
cookiecutter.json (``_service_types``, ``_client_styles``, ``_openmetadata_releases``),
through the rendered context.
"""

from __future__ import annotations

import json
import keyword
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# The rendered context, as JSON: user input is data here, never code.
RENDERED_CONTEXT = r"""{{ cookiecutter | tojson }}"""

NAMESPACE_PARTS = frozenset({"metadata", "ingestion", "source", "__init__", "__main__"})
# Names that the generated connector modules import or define at module level: a
# class_name equal to one of them would shadow it. tests/test_hooks.py keeps this list
# in step with the modules the template generates.
RESERVED_CLASS_NAMES = frozenset(
    """
    AccessError AddLineageRequest Any ArgumentError AuthBase AwareDatetime BaseModel CHARTS
    CLASSIFICATION CONFIG CONTAINERS Callable Chart ChartType ClassVar Classification
    CleanupPolicy Column ColumnTypeParser CompileError ConfigDict ConfigError
    ConnectTimeoutError ConnectorSource Constraint ConstraintType Container ContainerDataModel
    CreateChartRequest CreateClassificationRequest CreateContainerRequest
    CreateCustomPropertyRequest CreateDashboardDataModelRequest CreateDashboardRequest
    CreateDashboardServiceRequest CreateDatabaseRequest CreateDatabaseSchemaRequest
    CreateDatabaseServiceRequest CreateDirectoryRequest CreateDriveServiceRequest
    CreateFileRequest CreateMessagingServiceRequest CreateMlModelRequest
    CreateMlModelServiceRequest CreatePipelineRequest CreatePipelineServiceRequest
    CreateSearchIndexRequest CreateSearchServiceRequest CreateSpreadsheetRequest
    CreateStorageServiceRequest CreateStoredProcedureRequest CreateTableRequest CreateTagRequest
    CreateTopicRequest CreateWorksheetRequest CsvFileError CustomDashboardConnection
    CustomDatabaseConnection CustomDriveConnection CustomMessagingConnection
    CustomMlModelConnection CustomPipelineConnection CustomPropertyDataTypes
    CustomSearchConnection CustomStorageConnection DASHBOARDS DATABASES DBAPIError DIRECTORIES
    DOCUMENTS Dashboard DashboardConnection DashboardDataModel DashboardService
    DashboardServiceMetadataPipeline DashboardServiceType DataModelType DataType DataTypeTopic
    Database DatabaseConnection DatabaseSchema DatabaseService DatabaseServiceMetadataPipeline
    DatabaseServiceType Dialect Directory DirectoryType Drive DriveConnection DriveService
    DriveServiceMetadataPipeline DriveServiceType E Either Engine EntitiesEdge EntityReference
    EntityReferenceList Enum ExampleApi FIELDS FILES FeatureSource FeatureSourceDataType
    FeatureType Field FieldModel File FileFormat FileType FilterPattern Generator Generic HEADER
    HTTPAdapter HTTPBasicAuth Held INDEXES Inspector InvalidSourceException Iterable Iterator
    LabelType Language LineageDetails LineageParser LineageSource Literal M MESSAGES MODELS
    MODULE MakeFile Mapping MaxRetryError MessageSchema MessagingConnection MessagingService
    MessagingServiceMetadataPipeline MessagingServiceType MlFeature MlHyperParameter MlModel
    MlModelConnection MlModelService MlModelServiceMetadataPipeline MlModelServiceType MlStore
    Named NewConnectionError NoServer NoSuchTableError NullType OMetaCustomProperties
    OMetaIndexSampleData OMetaPipelineStatus OMetaTagAndClassification OMetaTopicSampleData
    OpenMetadata OpenMetadataConnection OpenMetadataJWTClientConfig OpenedCsv Owners P PARTS
    PATTERNS PIPELINES PROJECT Page PageError Path Pipeline PipelineConnection PipelineService
    PipelineServiceMetadataPipeline PipelineServiceType PipelineStatus PurePath RUNS Raw
    ReadTimeoutError Record RecordError RefusingMySql RemoteChart RemoteColumn RemoteContainer
    RemoteDashboard RemoteDataModel RemoteDatabase RemoteDirectory RemoteDocument RemoteFeature
    RemoteFeatureSource RemoteField RemoteFile RemoteHyperParameter RemoteIndexField
    RemoteMessage RemoteMessageSchema RemoteMlModel RemotePipeline RemoteRun RemoteSchema
    RemoteSearchIndex RemoteSpreadsheet RemoteStoredProcedure RemoteTable RemoteTask
    RemoteTaskRun RemoteTopic RemoteWorksheet Resource Retry RowError RunResult SCHEMAS SERVICE
    SOURCE SPREADSHEETS SQLAlchemyError SUBDIRECTORIES SYSTEM SchemaType SearchConnection
    SearchIndex SearchIndexField SearchIndexSampleData SearchIndexSettings SearchService
    SearchServiceMetadataPipeline SearchServiceType SecretBytes SecretStr SeenEntities
    SimpleNamespace Source SourceConnectionException SourceSettings Spreadsheet
    SpreadsheetMimeType StackTraceError StandIn State Status StatusType StorageConnection
    StorageService StorageServiceMetadataPipeline StorageServiceType StoredProcedure
    StoredProcedureCode System TABLES THINGS TOKEN TOPICS Table TableConstraint TableType
    TagLabel TagSource Task TaskStatus Team TestConnectionResult TestConnectionStep TextIO Topic
    TopicSampleData TypeEngine TypeVar UNEXPANDED UNREADABLE URL User ValidationError WORKSHEETS
    WorkflowSource Worksheet
    """.split()
)
CHOICES = {
    "ide": ("both", "pycharm", "vscode", "none"),
    "ci": ("github", "gitlab", "none"),
    "license": ("Apache-2.0", "MIT", "BSD-3-Clause", "Proprietary"),
}
MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
PACKAGE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
# A release as people say it: 2.0.6, 1.9.17.6, or the line alone: 1.6, 1.6.x
RELEASE = re.compile(r"(\d+)\.(\d+)(?:\.(?:x|\d+(?:\.\d+)?))?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_NAME_LENGTH = 64
# Module and class names appear in signatures and imports: longer ones would push the
# generated code past its 100-column lines.
MAX_IDENTIFIER_LENGTH = 32


def _shown(value: Any) -> str:
    """The value as one line, quoted, whatever it holds."""
    return json.dumps(value, ensure_ascii=False)


def _line(release: str) -> tuple[int, int]:
    major, minor = release.split(".")[:2]
    return int(major), int(minor)


def _name_problem(value: str, max_length: int = MAX_NAME_LENGTH) -> str | None:
    """What makes ``value`` unusable as a file or module name, if anything."""
    if not value:
        return "it is empty"
    if not value.isascii():
        return "it holds non-ASCII characters"
    if "/" in value or "\\" in value or ".." in value:
        return "it holds a path separator or '..'"
    if len(value) > max_length:
        return f"it is longer than {max_length} characters"
    return None


def check_package_name(value: str) -> str | None:
    problem = _name_problem(value)
    if problem is None and not PACKAGE_NAME.fullmatch(value):
        problem = "it is not a lowercase distribution name"
    if problem:
        return (
            f"package_name {_shown(value)} is not valid: {problem}; use lowercase letters, digits "
            "and '-', '_' or '.' inside, e.g. 'acme-crm-connector'"
        )
    return None


def _identifier_problem(value: str, pattern: re.Pattern[str], shape: str) -> str | None:
    """What makes ``value`` unusable as a Python name of that shape, if anything."""
    problem = _name_problem(value, MAX_IDENTIFIER_LENGTH)
    if problem is None:
        if value[0].isdigit():
            problem = "it starts with a digit"
        elif not pattern.fullmatch(value):
            problem = f"it is not {shape}"
        elif keyword.iskeyword(value) or keyword.issoftkeyword(value):
            problem = "it is a Python keyword"
    return problem


def check_module_name(
    value: str, service_type: str, with_csv_example: bool, builtin: Mapping[str, frozenset[str]]
) -> str | None:
    problem = _identifier_problem(value, MODULE_NAME, "lower_snake_case")
    if problem:
        return (
            f"module_name {_shown(value)} is not valid: {problem}; use lowercase letters, digits "
            "and '_', starting with a letter, e.g. 'acme_crm'"
        )
    if value in NAMESPACE_PARTS or value == service_type:
        return (
            f"module_name {_shown(value)} is a part of OpenMetadata's namespace "
            f"(metadata.ingestion.source.{service_type}); choose a name of your own, e.g. 'acme_crm'"
        )
    modules = [(service_type, value)]
    if with_csv_example:  # the CSV example lives in the database folder
        modules.append(("database", f"{value}_csv"))
    for folder, module in modules:
        if module in builtin.get(folder, frozenset()):
            return (
                f"module_name {_shown(value)} would overwrite OpenMetadata's own connector "
                f"metadata.ingestion.source.{folder}.{module}; choose another name, e.g. "
                f"'{value}_custom'"
            )
    return None


def check_class_name(value: str) -> str | None:
    problem = _identifier_problem(value, CLASS_NAME, "CamelCase letters and digits")
    if problem is None and value in RESERVED_CLASS_NAMES:
        problem = "the connector module imports or defines a name like it"
    if problem:
        return (
            f"class_name {_shown(value)} is not valid: {problem}; use CamelCase starting with "
            "an uppercase letter, e.g. 'AcmeCrmSource'"
        )
    return None


def check_release(version: str, service_type: str, releases: Mapping[str, Any], since: str | None) -> Iterator[str]:
    supported = ", ".join(releases)
    match = RELEASE.fullmatch(version.strip())
    if match is None:
        yield (
            f"openmetadata_version {_shown(version)} is not a release; use your server's "
            "release, e.g. '2.0.6', '1.9.17.6', or its line alone, e.g. '1.9'"
        )
        return
    line = f"{match.group(1)}.{match.group(2)}"
    if line not in releases:
        yield (
            f"openmetadata_version {_shown(version)} is not supported: this template generates "
            f"connectors for OpenMetadata {supported}"
        )
        return
    if since and _line(line) < _line(since):
        yield (
            f"service_type {_shown(service_type)} does not exist in OpenMetadata {version}: it exists from {since} on"
        )


def check_client_style(client_style: Any, service_type: str, styles: Mapping[str, Any]) -> str | None:
    if client_style not in styles:
        return f"client_style {_shown(client_style)} is not one of: {', '.join(styles)}"
    allowed = styles[client_style]["service_types"]
    if allowed != "all" and service_type not in str(allowed).split():
        return (
            f"client_style {_shown(client_style)} is for the {allowed} service type only, not "
            f"{service_type}; choose rest_api or plain"
        )
    return None


def problems(context: Mapping[str, Any]) -> list[str]:
    """Every problem with the variables, one line each; empty when all is well."""
    found: list[str] = []
    service_types: Mapping[str, Any] = context.get("_service_types") or {}
    service_type = context.get("service_type")
    if service_type not in service_types:
        found.append(
            f"service_type {_shown(service_type)} is not one of OpenMetadata's custom service "
            f"types: {', '.join(service_types)}"
        )
        service_type = ""
    facts = service_types.get(service_type, {})
    builtin = {name: frozenset(str(svc["builtin_modules"]).split()) for name, svc in service_types.items()}
    with_csv = context.get("include_csv_example") in (True, "yes", "y", "true", "True")
    for check in (
        check_package_name(str(context.get("package_name", ""))),
        check_module_name(str(context.get("module_name", "")), str(service_type), with_csv, builtin),
        check_class_name(str(context.get("class_name", ""))),
        check_client_style(context.get("client_style"), str(service_type), context.get("_client_styles") or {})
        if service_type
        else None,
    ):
        if check:
            found.append(check)
    found.extend(
        check_release(
            str(context.get("openmetadata_version", "")),
            str(service_type),
            context.get("_openmetadata_releases") or {},
            facts.get("since"),
        )
    )
    for variable, accepted in CHOICES.items():
        if context.get(variable) not in accepted:
            found.append(f"{variable} {_shown(context.get(variable))} is not one of: {', '.join(accepted)}")
    if not str(context.get("connector_name", "")).strip():
        found.append('connector_name "" is empty; give the name of the system, e.g. "Acme CRM"')
    email = str(context.get("email", ""))
    if not EMAIL.fullmatch(email):
        found.append(f"email {_shown(email)} is not an email address, e.g. 'data-team@example.com'")
    return found


def replay_file(context: Mapping[str, Any], replay_dir: Path | None = None) -> Path | None:
    """The replay file cookiecutter wrote for this run, if it is where cookiecutter puts it.

    cookiecutter saves the answers (``replay_dir`` of its config, by default
    ``~/.cookiecutter_replay``) under the name of the template's folder before it runs
    this hook; it is ours when it holds exactly these answers.
    """
    repo_dir = context.get("_repo_dir")
    if not repo_dir:
        return None  # not run by the cookiecutter command (cruft, the Python API)
    folder = replay_dir or Path(os.path.expanduser("~/.cookiecutter_replay"))
    candidate = folder / f"{Path(os.path.abspath(str(repo_dir))).name}.json"
    try:
        saved = json.loads(candidate.read_text(encoding="utf-8"))["cookiecutter"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    answers = {key: value for key, value in context.items() if not key.startswith("_")}
    return candidate if all(saved.get(key) == value for key, value in answers.items()) else None


def retry_advice(context: Mapping[str, Any], replay_dir: Path | None = None) -> str:
    """How to try again without typing every answer again."""
    template = context.get("_template") or "<template>"
    saved = replay_file(context, replay_dir)
    if saved is None:
        return (
            "Nothing was generated. cookiecutter keeps your answers in its replay file: correct "
            f"the value(s) above in it and run: cookiecutter --replay-file <that file> {template}"
        )
    return (
        f"Nothing was generated. Your answers are kept in {saved}: correct the value(s) above "
        f"in that file, then run: cookiecutter --replay-file {saved} {template}"
    )


def main() -> int:
    context = json.loads(RENDERED_CONTEXT)
    found = problems(context)
    for problem in found:
        print(f"Error: {problem}", file=sys.stderr)
    if found:
        print(retry_advice(context), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
