"""Print, as JSON, the connector modules and packages in openmetadata-ingestion's own files
(not those of generated projects installed beside it), by service folder."""

from __future__ import annotations

import json
from collections import defaultdict
from importlib.metadata import files

if __name__ == "__main__":
    found: dict[str, set[str]] = defaultdict(set)
    for path in files("openmetadata-ingestion") or []:
        parts = path.parts
        if len(parts) >= 5 and parts[:3] == ("metadata", "ingestion", "source") and not parts[4].startswith("_"):
            found[parts[3]].add(parts[4].removesuffix(".py"))
    print(json.dumps({service: sorted(names) for service, names in found.items()}))
