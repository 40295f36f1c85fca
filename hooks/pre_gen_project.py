"""Refuse bad input before anything is generated.

Runs with nothing but cookiecutter installed: standard library only, Python >= 3.10.
Each problem is one line naming the variable, the value and what would be accepted;
the exit status is 1 and cookiecutter removes the directory it had just created.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

# The rendered context, as JSON: user input is data here, never code.
RENDERED_CONTEXT = r"""{{ cookiecutter | tojson }}"""

SERVICE_TYPES = (
    "database",
    "dashboard",
    "pipeline",
    "messaging",
    "mlmodel",
    "storage",
    "search",
    "drive",
)
# Minor releases of openmetadata-ingestion with the Source API this template targets
# (pydantic v2 models, three-argument ``create``): 1.5 is the first.
SUPPORTED_RELEASES = (
    (1, 5),
    (1, 6),
    (1, 7),
    (1, 8),
    (1, 9),
    (1, 10),
    (1, 11),
    (1, 12),
    (1, 13),
    (2, 0),
)
# Service types that a release line does not have yet.
SERVICE_TYPE_SINCE = {"drive": (1, 9)}
NAMESPACE_PARTS = frozenset({"metadata", "ingestion", "source", "__init__", "__main__"})
# Connector modules and packages that openmetadata-ingestion ships in each service folder,
# across the supported releases. A module of ours with one of these names would shadow or
# overwrite OpenMetadata's connector. tests/test_hooks.py fails when this list is stale.
BUILTIN_CONNECTORS: dict[str, frozenset[str]] = {
    "database": frozenset(
        """
        athena azuresql bigquery bigtable burstiq cassandra clickhouse cockroach
        column_helpers column_type_parser common common_db_source common_nosql_source
        common_pg_mappings couchbase custom_property_extension_mixin database_service
        databricks datalake db2 dbt deltalake domodatabase doris druid dynamodb exasol
        extended_sample_data external_table_lineage_mixin glue greenplum hive iceberg impala
        incremental_metadata_extraction iomete json_schema_extractor life_cycle_query_mixin
        lineage_processors lineage_source mariadb mongodb mssql multi_db_source my_db mysql
        oracle pinotdb postgres presto query query_parser_source questdb redshift salesforce
        sample_data sample_usage saperp saphana sas singlestore snowflake sql_column_handler
        sqlalchemy_source sqlite starrocks stored_procedures_mixin teradata timescale trino
        unitycatalog usage_source vertica
        """.split()
    ),
    "dashboard": frozenset(
        """
        dashboard_service domodashboard grafana hex lightdash looker metabase microstrategy
        mode mstr omni powerbi qlikcloud qliksense quicksight redash sigma ssrs superset
        tableau
        """.split()
    ),
    "pipeline": frozenset(
        """
        airbyte airflow dagster databrickspipeline dbtcloud domopipeline fivetran flink
        gluepipeline kafkaconnect nifi openlineage pipeline_service prefect spline
        """.split()
    ),
    "messaging": frozenset(
        """
        common_broker_source kafka kinesis messaging_service pubsub redpanda
        """.split()
    ),
    "mlmodel": frozenset(
        """
        mlflow mlmodel_service sagemaker
        """.split()
    ),
    "storage": frozenset(
        """
        gcs s3 storage_service
        """.split()
    ),
    "search": frozenset(
        """
        elasticsearch opensearch search_service
        """.split()
    ),
    "drive": frozenset(
        """
        drive_service googledrive sftp
        """.split()
    ),
}
# Names the generated connector modules (the stub and the CSV example) import or define:
# a class_name equal to one of them would shadow it.
RESERVED_CLASS_NAMES = (
    frozenset(
        """
    Any BaseModel Callable Chart ChartType Column ConfigDict DataType Database DatabaseSchema
    Either FieldDataType InvalidSourceException Iterable Iterator OpenMetadata RemoteChart
    RemoteContainer RemoteDashboard RemoteFile RemoteIndex RemoteModel RemotePipeline
    RemoteTable RemoteTopic SearchIndexField SecretStr Source StackTraceError Task
    TestConnectionResult TestConnectionStep ValidationError WorkflowSource
    CsvFileError Field OpenedCsv Path RowError SourceConnectionException TextIO
    """.split()
    )
    | {
        f"{prefix}{kind}{suffix}"
        for kind in (
            "Database",
            "Dashboard",
            "Pipeline",
            "Messaging",
            "MlModel",
            "Storage",
            "Search",
            "Drive",
        )
        for prefix, suffix in (
            ("Create", "ServiceRequest"),
            ("", "Connection"),
            ("", "ServiceType"),
            ("Custom", "Connection"),
        )
    }
    | {
        f"Create{entity}Request"
        for entity in (
            "Database",
            "DatabaseSchema",
            "Table",
            "Chart",
            "Dashboard",
            "Pipeline",
            "Topic",
            "MlModel",
            "Container",
            "SearchIndex",
            "Directory",
            "File",
        )
    }
)
CHOICES = {
    "ide": ("both", "pycharm", "vscode", "none"),
    "ci": ("github", "gitlab", "none"),
    "license": ("Apache-2.0", "MIT", "BSD-3-Clause", "Proprietary"),
}
MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
PACKAGE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?")
VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_NAME_LENGTH = 64
# Module and class names appear in signatures and imports: longer ones would push the
# generated code past its 100-column lines.
MAX_IDENTIFIER_LENGTH = 32


def _release(version: str) -> tuple[int, int] | None:
    match = VERSION.fullmatch(version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _shown(value: Any) -> str:
    """The value as one line, quoted, whatever it holds."""
    return json.dumps(value, ensure_ascii=False)


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


def check_module_name(value: str, service_type: str, with_csv_example: bool) -> str | None:
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
        if module in BUILTIN_CONNECTORS.get(folder, frozenset()):
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
            "an uppercase letter, e.g. 'AcmeCrmConnector'"
        )
    return None


def check_release(version: str, service_type: str) -> Iterator[str]:
    release = _release(version)
    supported = ", ".join(f"{major}.{minor}" for major, minor in SUPPORTED_RELEASES)
    if release is None:
        yield (
            f"openmetadata_version {_shown(version)} is not a release number; use the server's "
            "release, e.g. '2.0.6' or '1.9.17.6'"
        )
        return
    if release not in SUPPORTED_RELEASES:
        yield (
            f"openmetadata_version {_shown(version)} is not supported: this template generates "
            f"connectors for OpenMetadata {supported}"
        )
        return
    since = SERVICE_TYPE_SINCE.get(service_type)
    if since and release < since:
        yield (
            f"service_type {_shown(service_type)} does not exist in OpenMetadata {version}: "
            f"it exists from {since[0]}.{since[1]} on"
        )


def problems(context: Mapping[str, Any]) -> list[str]:
    """Every problem with the variables, one line each; empty when all is well."""
    found: list[str] = []
    service_type = context.get("service_type")
    if service_type not in SERVICE_TYPES:
        found.append(
            f"service_type {_shown(service_type)} is not one of OpenMetadata's custom service "
            f"types: {', '.join(SERVICE_TYPES)}"
        )
        service_type = ""
    with_csv = context.get("include_csv_example") in (True, "yes", "y", "true", "True")
    for check in (
        check_package_name(str(context.get("package_name", ""))),
        check_module_name(str(context.get("module_name", "")), str(service_type), with_csv),
        check_class_name(str(context.get("class_name", ""))),
    ):
        if check:
            found.append(check)
    found.extend(check_release(str(context.get("openmetadata_version", "")), str(service_type)))
    for variable, accepted in CHOICES.items():
        if context.get(variable) not in accepted:
            found.append(f"{variable} {_shown(context.get(variable))} is not one of: {', '.join(accepted)}")
    if not str(context.get("connector_name", "")).strip():
        found.append('connector_name "" is empty; give the name of the system, e.g. "Acme CRM"')
    email = str(context.get("email", ""))
    if not EMAIL.fullmatch(email):
        found.append(f"email {_shown(email)} is not an email address, e.g. 'data-team@example.com'")
    return found


def main() -> int:
    context = json.loads(RENDERED_CONTEXT)
    found = problems(context)
    for problem in found:
        print(f"Error: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
