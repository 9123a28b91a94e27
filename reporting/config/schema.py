"""What the declaration gives the checks: each key's type and default (SCHEMA, the shape the key
check walks), the ranges, choices and path placeholders of the keys that declare them, and the
files that go beside the ledger. Derived here, once, from declaration.py: nothing is declared
twice."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterator
from typing import Any

from .declaration import Settings


def kind_of(hint: Any) -> type:
    """The type a value of config.yaml must have for a field of this annotation: a tuple is read
    as a YAML list, `int | None` as an int (None is a default's, never a value's)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (hint,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return kind_of(hint)
    if origin is tuple:
        return list
    if origin is dict:
        return dict
    assert isinstance(hint, type), hint
    return hint


def _is_section(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def keys_of(cls: type, prefix: str = "") -> Iterator[tuple[str, dataclasses.Field[Any], type]]:
    """Every leaf key of a section as (dotted name, its field, its kind), in declaration order."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if _is_section(hint):
            yield from keys_of(hint, f"{prefix}{f.name}.")
        else:
            yield prefix + f.name, f, kind_of(hint)


def schema_of(cls: type) -> dict[str, Any]:
    """key -> (type, default) for leaves, key -> dict for sections (the shape `_check` walks)."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        if _is_section(hint):
            out[f.name] = schema_of(hint)
        else:
            out[f.name] = (kind_of(hint), f.metadata["default"])
    return out


def _declared(what: str) -> dict[str, Any]:
    """Dotted key -> its metadata `what`, for the keys that declare one."""
    return {key: f.metadata[what] for key, f, _ in keys_of(Settings) if f.metadata[what]}


SCHEMA: dict[str, Any] = schema_of(Settings)
# key -> (lowest, highest): values outside pass the type check but break a later day
RANGES: dict[str, tuple[float, float]] = _declared("within")
# key -> the values it may take
CHOICES: dict[str, tuple[str, ...]] = _declared("choices")
# folder patterns know {month}; the other paths know no placeholder
PATTERN_KEYS = tuple(key for key, path in _declared("path").items() if path == "pattern")
PLAIN_PATH_KEYS = tuple(key for key, path in _declared("path").items() if path == "plain")
# (section, key) -> its file name when it goes beside the ledger
BESIDE_LEDGER_NAMES: dict[tuple[str, str], str] = {
    (key.split(".")[0], key.split(".")[1]): name for key, name in _declared("beside_ledger").items()
}
# the sections, each a dataclass (Config.smtp, …)
SECTIONS: dict[str, type] = {
    name: hint for name, hint in typing.get_type_hints(Settings).items() if _is_section(hint)
}
