"""Long lists of plain values (one entry per client) checked without a copy: pydantic is given a few entries
that stand for all the others.

Validating ten million clients' lists, pydantic built a new list of every one (1 GB more at the peak of
`analyze`). Every entry of a list of plain values is checked by its type, which a list has few of: pydantic
checks the first entries and the first entry of each type (of each value, where the annotation names
values, e.g. Literal['at_risk', ...]), and an error names the entry's place in the whole list.
"""

from __future__ import annotations

import operator
import types
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel

# Lists at most this long are validated entry by entry, as they are
LONG = 1_000
FIRST = 64  # the first entries of a long list are validated as they are, beside one of each type


def shorten(model: type[BaseModel], data, place: tuple, places: dict[tuple, list[int]]):
    """Return `data` (a `model` as plain data) with its long lists of plain values shortened (see the module),
    shallow copies along the way and `data` itself unchanged; `places` gets, by a shortened list's place,
    the index in the whole list of each entry kept."""
    if not isinstance(data, dict):
        return data
    out = data
    for name, field in model.model_fields.items():
        if name not in data or field.metadata:  # a length constraint sees the whole list
            continue
        new = _shorten_value(field.annotation, data[name], (*place, name), places)
        if new is not data[name]:
            out = dict(out) if out is data else out
            out[name] = new
    return out


def _shorten_value(annotation, value, place: tuple, places: dict[tuple, list[int]]):
    """Return `value` with its long lists shortened, by what `annotation` says it holds."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        for arg in args:
            new = _shorten_value(arg, value, place, places)
            if new is not value:
                return new
        return value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return shorten(annotation, value, place, places)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        out = {key: _shorten_value(args[1], item, (*place, key), places) for key, item in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    if origin is list and isinstance(value, list) and len(args) == 1:
        if _plain(args[0]):
            return _shortened(value, _names_values(args[0]), place, places) if len(value) > LONG else value
        out = [_shorten_value(args[0], item, (*place, i), places) for i, item in enumerate(value)]
        return value if all(a is b for a, b in zip(out, value)) else out
    return value


def _plain(annotation) -> bool:
    """Return True when `annotation` is of plain values only (str, int, float, bool, None, Literal)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    if origin in (Union, types.UnionType):
        return all(_plain(arg) for arg in get_args(annotation))
    return annotation in (str, int, float, bool, type(None))


def _names_values(annotation) -> bool:
    """Return True when `annotation` names the values it allows (a Literal), so that each value is checked."""
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    return origin in (Union, types.UnionType) and any(_names_values(arg) for arg in get_args(annotation))


def _shortened(values: list, by_value: bool, place: tuple, places: dict[tuple, list[int]]) -> list:
    """Return the first entries of `values` and the first entry of each type (or, `by_value`, of each value),
    recording their indexes in `places`."""
    kept = list(range(min(FIRST, len(values))))
    firsts = {operator.indexOf(map(type, values), kind) for kind in set(map(type, values))}
    if by_value:
        try:
            # the values a Literal allows are few; a value found by equality is that value (NaN is not)
            firsts |= {operator.indexOf(values, v) for v in set(values) if v == v}
        except TypeError:  # an unhashable entry (a list, a dict): its type is wrong, and is kept already
            pass
    kept += sorted(firsts - set(kept))
    places[place] = kept
    return [values[i] for i in kept]


def original_place(loc: tuple, places: dict[tuple, list[int]]) -> tuple:
    """Return a pydantic error's place with an index into a shortened list made an index into the whole list."""
    for length in range(len(loc) - 1, 0, -1):
        kept = places.get(tuple(loc[:length]))
        if kept is not None and isinstance(loc[length], int):
            return (*loc[:length], kept[loc[length]], *loc[length + 1:])
    return tuple(loc)
