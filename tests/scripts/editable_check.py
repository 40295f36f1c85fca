"""Print, as JSON, the file each connector class resolves to through OpenMetadata's importer.

python editable_check.py CLASS_PATH [CLASS_PATH ...]
"""

from __future__ import annotations

import inspect
import json
import sys

from metadata.utils.importer import import_from_module

if __name__ == "__main__":
    print(json.dumps({path: inspect.getfile(import_from_module(path)) for path in sys.argv[1:]}))
