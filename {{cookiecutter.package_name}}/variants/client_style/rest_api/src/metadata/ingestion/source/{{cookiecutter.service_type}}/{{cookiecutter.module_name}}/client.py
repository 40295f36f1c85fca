{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The client of your system's HTTP JSON API: where the connector's records come from.

Each ``Resource`` of ``models.py`` is a collection of the API: ``records(resource,
**parents)`` GETs ``<base_url>/<resource path>`` (``databases/analytics/schemas``),
page after page, and validates each item as the resource's model. As generated it
reads the example API of the local harness, which answers::

    GET <base_url>/<path>?page=1&per_page=100
    {"items": [...], "page": 1, "per_page": 100, "total": 250}

TODO: if your API pages otherwise (a cursor, a next link), change ``pages``; if it
wraps items otherwise, change ``Page``; point ``ACCESS_CHECK_PATH`` at a cheap
authenticated endpoint of your API. Keep the contract of the client:

- ``records(resource, **parents)`` yields one ``Either`` per record: ``right`` the
  record, ``left`` a record or a page that could not be read, with what is wrong. One
  bad record or page never ends the run; memory holds one page at a time.
- ``check_access()`` raises, naming the option at fault, when the API cannot be used.
- ``close()`` releases the HTTP session.

Requests authenticate as ``auth`` says (bearer token, basic, API key header), time out
after ``connect_timeout_s``/``read_timeout_s``, and are retried ``retries`` times with
exponential backoff on 429 and 5xx answers (honouring ``Retry-After``) and on network
errors. Credentials are never logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import requests
from metadata.ingestion.api.models import Either
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.retry import Retry

from .records import M, Resource, failure, parse_record

if TYPE_CHECKING:
    from .connection import {{ prefix }}Options

ACCESS_CHECK_PATH = ""
"""What ``check_access`` GETs under ``base_url``: the example API answers its root only
to a valid credential. Use a cheap authenticated endpoint of your API (``me``, ``status``)."""
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers worth another try (throttled, or a server having a bad moment)."""
REFUSED_STATUSES = frozenset({401, 403})


class Page(BaseModel):
    """One page of a collection, as the API answers it."""

    model_config = ConfigDict(extra="ignore")

    items: list[Any]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)


class AccessError(Exception):
    """The API cannot be used with these options: the message names the option at fault."""


class PageError(Exception):
    """A page that could not be read, after retries: the message names it and says why.
    ``refused``: the API refused the credential, so no later page can be read either."""

    def __init__(self, where: str, reason: str, refused: bool = False) -> None:
        super().__init__(f"Cannot read {where}: {reason}")
        self.where = where
        self.refused = refused


class _CredentialHeader(AuthBase):
    """Sets one header to a secret on every request (and keeps it out of ``repr``)."""

    def __init__(self, header: str, value: SecretStr, scheme: str = "") -> None:
        self.header, self.value, self.scheme = header, value, scheme

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.header] = f"{self.scheme}{self.value.get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return f"<{self.header} credential>"


def http_session(options: {{ prefix }}Options) -> requests.Session:
    """A ``requests`` session that authenticates, and retries what is worth retrying."""
    session = requests.Session()
    retry = Retry(
        total=options.retries,
        backoff_factor=options.backoff_s,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back: its status says what failed
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["Accept"] = "application/json"
    # Always an auth object: requests would otherwise apply ~/.netrc over our header.
    session.auth = _authentication(options)
    return session


def _authentication(options: {{ prefix }}Options) -> AuthBase:
    token = options.api_token or SecretStr("")
    if options.auth == "basic":
        password = options.password or SecretStr("")
        return HTTPBasicAuth(options.username or "", password.get_secret_value())
    if options.auth == "api_key":
        return _CredentialHeader(options.api_key_header, token)
    return _CredentialHeader("Authorization", token, "Bearer ")


class {{ prefix }}Client:
    """Reads the records of your system's HTTP JSON API, a page at a time."""

    def __init__(self, options: {{ prefix }}Options) -> None:
        self.options = options
        self.session = http_session(options)
        self.timeout = (options.connect_timeout_s, options.read_timeout_s)

    def check_access(self) -> None:
        """One cheap authenticated GET; raises ``AccessError`` naming the option at fault."""
        try:
            response = self.session.get(self._url(ACCESS_CHECK_PATH), timeout=self.timeout)
        except requests.RequestException as err:
            raise AccessError(self._network_problem(err)) from None
        if response.status_code in REFUSED_STATUSES:
            raise AccessError(self._refused(response))
        if not response.ok:
            raise AccessError(
                f"base_url {self.options.base_url} answered {_status(response)} "
                f"to GET /{ACCESS_CHECK_PATH}"
            )

    def records(self, resource: Resource[M], **parents: str) -> Iterator[Either]:
        """One ``Either`` per record of ``resource`` under ``parents``, page by page."""
        path = resource.at(**parents)
        for page in self.pages(resource, **parents):
            if isinstance(page, PageError):
                yield failure(page.where, str(page))
                continue
            first = (page.page - 1) * page.per_page
            for position, raw in enumerate(page.items, start=first):
                yield parse_record(resource, raw, f"{path}[{position}]")

    def pages(self, resource: Resource[M], **parents: str) -> Iterator[Page | PageError]:
        """The pages of a collection, one at a time: ``?page=1&per_page=N``, then 2, 3...
        until ``total`` items were served. A page that cannot be read comes as its
        ``PageError`` and the next page follows, when the total is known (a failing
        first page, or a refused credential, ends the collection). Only the current
        page is held.

        Cursor or next-link pagination is the same loop, the next request taken from
        the answer; without the answer there is no next page, so a failing page ends
        the collection::

            url, params = self._url(path), {"limit": self.options.per_page}
            while url:
                body = self.session.get(url, params=params, timeout=self.timeout).json()
                yield Page(items=body["data"], ...)
                url, params = body.get("next"), None   # or params = {"cursor": body["cursor"]}
        """
        path, name = _quoted_path(resource, parents), resource.at(**parents)
        per_page, total, number = self.options.per_page, None, 1
        while True:
            try:
                page = self._page(path, f"{name} page {number}", number, per_page)
            except PageError as err:
                yield err
                if err.refused or total is None or number * per_page >= total:
                    return
            else:
                yield page
                per_page, total = page.per_page, page.total
                if not page.items or number * per_page >= total:
                    return
            number += 1

    def _page(self, path: str, where: str, number: int, per_page: int) -> Page:
        params = {"page": number, "per_page": per_page}
        try:
            response = self.session.get(self._url(path), params=params, timeout=self.timeout)
        except requests.RequestException as err:
            raise PageError(where, self._network_problem(err)) from None
        if response.status_code in REFUSED_STATUSES:
            raise PageError(where, self._refused(response), refused=True)
        if not response.ok:
            raise PageError(where, f"{_status(response)}{_retried(response)}")
        try:
            return Page.model_validate_json(response.content)
        except ValidationError as exc:
            raise PageError(where, _not_a_page(exc)) from None

    def _url(self, path: str) -> str:
        return f"{self.options.base_url}/{path}"

    def _refused(self, response: requests.Response) -> str:
        return (
            f"the API refused the {self.options.auth} credential ({_status(response)}): "
            f"check {self.options.credential_options}"
        )

    def _network_problem(self, err: requests.RequestException) -> str:
        """What went wrong on the network, naming the option to look at."""
        cause = err.args[0].reason if err.args and isinstance(err.args[0], MaxRetryError) else err
        base_url = self.options.base_url
        if isinstance(err, requests.ConnectTimeout) or (
            isinstance(cause, ConnectTimeoutError) and not isinstance(cause, NewConnectionError)
        ):
            limit = f"connect_timeout_s={self.options.connect_timeout_s:g}"
            return f"no connection to base_url {base_url} within {limit} s"
        if isinstance(err, requests.ReadTimeout) or isinstance(cause, ReadTimeoutError):
            limit = f"read_timeout_s={self.options.read_timeout_s:g}"
            return f"base_url {base_url} did not answer within {limit} s"
        if isinstance(err, requests.ConnectionError):
            return f"cannot reach base_url {base_url}: {_reason(cause)}"
        return f"request to base_url {base_url} failed: {cause}"

    def close(self) -> None:
        """Release the HTTP session (its pooled connections)."""
        self.session.close()


def _quoted_path(resource: Resource[M], parents: dict[str, str]) -> str:
    """The collection's path, each parent's name quoted (``a b/c`` -> ``a%20b%2Fc``)."""
    return resource.at(**{name: quote(value, safe="") for name, value in parents.items()})


def _status(response: requests.Response) -> str:
    return f"HTTP {response.status_code} {response.reason}".rstrip()


def _retried(response: requests.Response) -> str:
    retries = getattr(response.raw, "retries", None)
    tries = len(retries.history) if retries is not None else 0
    return f" (after {tries} retries)" if tries else ""


def _reason(cause: object) -> str:
    """The end of a network error's message: ``[Errno 111] Connection refused``."""
    return str(cause).rsplit(": ", 1)[-1]


def _not_a_page(exc: ValidationError) -> str:
    errors = exc.errors()
    if any(error["type"] == "json_invalid" for error in errors):
        return "the answer is not JSON"
    fields = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in errors
    )
    return f"the answer is not a page ({fields})"
