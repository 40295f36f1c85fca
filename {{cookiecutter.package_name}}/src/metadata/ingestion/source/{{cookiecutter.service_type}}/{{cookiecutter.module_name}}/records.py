"""How records flow from your system to OpenMetadata, one ``Either`` at a time.

- ``Resource``: a collection of records of your system and the model of one record;
  ``parse_record`` validates one raw record against it.
- ``RecordError``, ``failure``, ``guarded``: one bad record becomes one
  ``Either.left`` and the run goes on. A data error (``RecordError``, a pydantic
  ``ValidationError``) carries what is wrong with the data; only a program error carries
  a traceback.
- ``entity_fqn``: the fully qualified name OpenMetadata gives an entity, built with
  OpenMetadata's ``metadata.utils.fqn`` (dotted names quoted), never looked up.
- ``flush_sink``: make the sink write every record yielded so far, before a lookup.
- ``service_connection_to_store``: the service connection without secret options.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from metadata.ingestion.api.models import Either, StackTraceError
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils import fqn
from pydantic import BaseModel, SecretBytes, SecretStr, ValidationError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Resource(Generic[M]):
    """A collection of records of your system.

    ``path`` locates it, with ``{placeholders}`` for the records it hangs under
    (``databases/{database}/schemas``); ``model`` validates one record.
    """

    path: str
    model: type[M]

    def at(self, **parents: str) -> str:
        """The path of the collection under ``parents`` (``database="analytics"``)."""
        return self.path.format(**parents)


class RecordError(ValueError):
    """A record of your system that cannot be ingested: the message says what is wrong.

    Raise it (or let a pydantic ``ValidationError`` through) for bad data: the run
    reports the record with this message and no traceback, and goes on.
    """


def failure(name: str, error: str, exc: BaseException | None = None) -> Either:
    """One ``left``: a data error says what is wrong; a program error adds its traceback."""
    data_error = exc is None or isinstance(exc, (RecordError, ValidationError))
    stack = None if data_error else "".join(traceback.format_exception(exc))
    return Either(left=StackTraceError(name=name, error=error, stackTrace=stack))


def problem(exc: BaseException) -> str:
    """What is wrong, in one line: the message, or the fields a model refused."""
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'record'}: {error['msg']}"
            for error in exc.errors()
        )
    if isinstance(exc, RecordError):
        return str(exc)
    return f"unexpected error: {exc!r}"


def parse_record(resource: Resource[M], raw: Any, where: str) -> Either:
    """One raw record of ``resource`` as its model (``right``), or why not (``left``).

    ``where`` says where the record was found (a path and a position) for the message.
    """
    name = str(raw.get("name")) if isinstance(raw, Mapping) and raw.get("name") else where
    try:
        return Either(right=resource.model.model_validate(raw))
    except ValidationError as exc:
        return failure(name, f"Invalid record at {where}: {problem(exc)}", exc)


def guarded(name: str, records: Iterable[Either]) -> Iterator[Either]:
    """Yield from ``records``; if they raise, end them with one ``left`` naming ``name``.

    Wrap what one record of your system yields: a bad record is reported (its data
    error without a traceback) and the run goes on with the next one.
    """
    try:
        yield from records
    except Exception as exc:  # one bad record must not end the run
        yield failure(name, f"Cannot ingest {name}: {problem(exc)}", exc)


def entity_fqn(entity_type: type[BaseModel], **parts: Any) -> str:
    """The FQN of ``entity_type`` from its parts (``service_name=``, ``table_name=``...).

    Built locally with ``metadata.utils.fqn.build``: a parent yielded a moment ago may
    not be on the server yet, so it is never looked up. Raises ``RecordError`` when the
    parts cannot make an FQN (a name holding a double quote, for instance).
    """
    try:
        built = fqn.build(None, entity_type, **parts)
    except Exception as exc:  # OpenMetadata's FQN errors differ from release to release
        raise RecordError(f"cannot build the FQN of a {entity_type.__name__}: {exc}") from None
    if not built:
        raise RecordError(f"cannot build the FQN of a {entity_type.__name__} from {parts}")
    return str(built)


def service_fqn(service_name: str) -> str:
    """The FQN of a service: its name, quoted when it holds a dot (``"acme.prod"``)."""
    try:
        return fqn.quote_name(service_name)
    except ValueError as exc:
        raise RecordError(f"cannot use {service_name!r} as a service name: {exc}") from None


def flush_sink(reason: str) -> Iterator[Either]:
    """Make the ``metadata-rest`` sink write every record yielded so far.

    From the releases with a bulk sink on, creates are buffered and written in batches:
    an entity yielded a moment ago is not on the server yet, so a lookup (for lineage,
    sample data, a status) must come after this. Releases before 1.11 write each record
    when it is yielded and have no ``Barrier``: there is nothing to flush. (1.11 buffers
    but has no ``Barrier`` yet: lookups of entities created in the same run find them
    only on the next run.)
    """
    try:
        from metadata.ingestion.models.barrier import Barrier
    except ImportError:
        return
    yield Either(right=Barrier(reason=reason))


def secret_option_names(options_model: type[BaseModel]) -> frozenset[str]:
    """The options declared secret (``SecretStr``/``SecretBytes``) in ``options_model``."""
    return frozenset(
        name
        for name, info in options_model.model_fields.items()
        if any(marker in repr(info.annotation) for marker in ("SecretStr", "SecretBytes"))
        or info.annotation in (SecretStr, SecretBytes)
    )


def service_connection_to_store(
    connection: Any, options_model: type[BaseModel], metadata: OpenMetadata | None
) -> Any | None:
    """The service connection to send with the service, without its secret options.

    ``connectionOptions`` is a plain string map: the server stores and shows it as
    given, so a secret in it would be stored in clear. Options the connector declares
    secret stay in the ingestion process. With ``storeServiceConnection: false`` in the
    workflow config, no connection is sent at all, as built-in connectors do.
    """
    server_config = getattr(metadata, "config", None)
    if getattr(server_config, "storeServiceConnection", True) is False:
        return None
    options = connection.connectionOptions
    secret = secret_option_names(options_model)
    if options is None or not secret & set(options.root):
        return connection
    kept = {name: value for name, value in options.root.items() if name not in secret}
    return connection.model_copy(update={"connectionOptions": type(options)(kept)})
