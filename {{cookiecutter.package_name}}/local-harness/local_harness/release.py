"""What differs between the OpenMetadata server releases the stand-in can play.

The stand-in behaves like the release it reports (``StandIn.server_version``). Its rules
were read in the server's code (``openmetadata-service``), whose versions fall in two
families; the stand-in is tested against the 1.5.15.2 and 2.0.6 clients:

- the **1.5 family** (1.5 up to 1.8): ``owners`` and a single ``domain``, no bulk or
  stale-deletion endpoints, the older error texts;
- the **2.0 family** (1.9 and later): ``domains`` lists, ``PUT /<collection>/bulk``,
  async deletes, the rule engine, the newer error texts; and from 2.0 itself,
  ``DELETE /<collection>/deleteStale`` and the lineage endpoints by FQN.

Releases between 1.5 and 2.0 get the family their number falls in: the exact release a
behaviour changed in is not always known (see the README's list of what is unconfirmed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """A server release, ``"1.5.15"`` or ``"2.0.6"``: its ``major.minor`` decides behaviour."""

    version: str

    @property
    def major_minor(self) -> tuple[int, int]:
        found = re.match(r"(\d+)\.(\d+)", self.version)
        if not found:
            raise ValueError(f"not a release number: {self.version!r}")
        return int(found.group(1)), int(found.group(2))

    def at_least(self, major: int, minor: int) -> bool:
        return self.major_minor >= (major, minor)

    @property
    def modern(self) -> bool:
        """The 2.0 family (1.9+): domains lists, bulk PUT, async delete, rule engine,
        ``query param`` on every bean-validation message (ConstraintViolationExceptionMapper),
        ``Invalid request format`` (JsonMappingExceptionMapper), ``Not Authorized! Invalid
        token.`` (JwtFilter)."""
        return self.at_least(1, 9)

    @property
    def delete_stale(self) -> bool:
        """``DELETE /<collection>/deleteStale`` (EntityResource, BulkDeleteStaleRequest): 2.0."""
        return self.at_least(2, 0)

    @property
    def lineage_by_name(self) -> bool:
        """``PUT|PATCH|DELETE /lineage/{t}/name/{fqn}/{t}/name/{fqn}``,
        ``GET /lineage/getLineageEdge/{t}/name/..`` and ``DELETE /lineage/source/name/..``
        (LineageResource): new in 2.0 (OpenMetadata's 1.13 to 2.0 lineage notes)."""
        return self.at_least(2, 0)

    @property
    def drive_services(self) -> bool:
        """Drive services, directories, files, spreadsheets, worksheets: from 1.9."""
        return self.at_least(1, 9)

    @property
    def date_property_suffix(self) -> str:
        """Custom property types ``date``/``dateTime``/``time`` became ``date-cp``... in
        the 2.0 family (the clients' CustomPropertyDataTypes: 1.5 has ``date``, 2.0 ``date-cp``)."""
        return "-cp" if self.modern else ""
