"""Fully qualified names as the server builds and splits them (``FullyQualifiedName``).

An FQN is its parts joined by ``.``; a part holding a ``.`` is quoted (``"a.b"``).
``quote_name("a.b") == '"a.b"'``, ``quote_name('"x"') == "x"``, and a name holding a
``"`` that is not a whole quoted part is refused: 400 ``Invalid name <name>``.
"""

from __future__ import annotations

from local_harness.errors import bad_request


def quote_name(name: str) -> str:
    """``FullyQualifiedName.quoteName``: quote a name holding ``.``, unquote one that needs none."""
    if len(name) > 1 and name.startswith('"') and name.endswith('"'):
        inner = name[1:-1]
        if '"' in inner:
            raise bad_request(f"Invalid name {name}")
        return name if "." in inner else inner
    if '"' in name:
        raise bad_request(f"Invalid name {name}")
    return f'"{name}"' if "." in name else name


def add(parent: str, name: str) -> str:
    """``FullyQualifiedName.add``: the FQN of ``name`` under ``parent``."""
    return f"{parent}.{quote_name(name)}"


def build(*names: str) -> str:
    """``FullyQualifiedName.build``: each name quoted, joined by ``.``."""
    return ".".join(quote_name(name) for name in names)


def split(fqn: str) -> list[str]:
    """The parts of ``fqn``, quotes kept: ``'"a.b".c'`` -> ``['"a.b"', 'c']``."""
    parts, current, quoted = [], "", False
    for char in fqn:
        if char == '"':
            quoted = not quoted
        if char == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def parent(fqn: str) -> str | None:
    """``FullyQualifiedName.getParentFQN``: all but the last part, or None for one part."""
    parts = split(fqn)
    return ".".join(parts[:-1]) if len(parts) > 1 else None


def is_under(fqn: str, ancestor: str) -> bool:
    """Whether ``fqn`` lies below ``ancestor`` (the server's ``fqnHash LIKE 'ancestor.%'``)."""
    return fqn.startswith(ancestor + ".")
