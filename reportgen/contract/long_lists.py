"""Long lists of plain values (one entry per client) checked without a copy: pydantic is given a few entries
that stand for all the others.

Validating ten million clients' lists, pydantic built a new list of every one (1 GB more at the peak of
`analyze`). When every entry is exactly a str, int, float, bool or None, its verdict follows from its type
alone but for two cases, each checked over the whole list at C speed: a text a Literal does not name, and an
int too large for a float field (a subclass of str or int, a Fraction, is checked by its value). Then
pydantic checks the first entries and the first entry of each type, which include the first invalid entry
if there is one, and an error names its place in the whole list; otherwise (another type, or one of the
two cases) it is given the whole list, as before. A Column (an array the analysis hands over) is given the
same way: its array's type decides its entries' (see Column.deciding).
"""

from __future__ import annotations

import operator
import types
from typing import Literal, Union, get_args, get_origin

from pydantic import BaseModel

from reportgen.contract.column import Column

# Lists at most this long are validated entry by entry, as they are
LONG = 1_000
FIRST = 64  # the first entries of a long list are validated as they are, beside one of each type
EXACT = {str, int, float, bool, type(None)}  # the types whose entries may stand for others of their type


def shorten(model: type[BaseModel], data, place: tuple, places: dict[tuple, list[int]]):
    """Return `data` (a `model` as plain data) with its long lists of plain values shortened (see the module),
    shallow copies along the way and `data` itself unchanged; `places` gets, by a shortened list's place,
    the index in the whole list of each entry kept."""
    if not isinstance(data, dict):
        return data
    out = data
    for name, field in model.model_fields.items():
        if name not in data:
            continue
        if field.metadata:  # a length constraint sees the whole list
            if isinstance(data[name], Column):
                out = dict(out) if out is data else out
                out[name] = list(data[name])
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
    if origin is list and isinstance(value, Column):
        return _column_entries(value, args[0] if len(args) == 1 else None, place, places)
    if origin is list and isinstance(value, list) and len(args) == 1:
        if _plain(args[0]):
            return _shortened(value, args[0], place, places) if len(value) > LONG else value
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


def _named(annotation) -> frozenset:
    """Return the values the Literals of `annotation` name (empty when it has none)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return frozenset(get_args(annotation))
    if origin in (Union, types.UnionType):
        return frozenset().union(*(_named(arg) for arg in get_args(annotation)))
    return frozenset()


def _takes_float(annotation) -> bool:
    """Return True when `annotation` takes a float (and so an int that fits one)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_takes_float(arg) for arg in get_args(annotation))
    return annotation is float


def _shortened(values: list, annotation, place: tuple, places: dict[tuple, list[int]]) -> list:
    """Return the entries of `values` that decide its verdict (see the module), recording their indexes in
    `places`; or `values` itself when an entry's verdict may depend on more than its type."""
    kinds = set(map(type, values))
    if not kinds <= EXACT or not _by_type(values, kinds, annotation):
        return values
    kept = set(range(min(FIRST, len(values))))
    kept |= {operator.indexOf(map(type, values), kind) for kind in kinds}
    kept = sorted(kept)
    places[place] = kept
    return [values[i] for i in kept]


def _column_entries(column: Column, annotation, place: tuple, places: dict[tuple, list[int]]) -> list:
    """Return a Column's entries for pydantic: all of a short one, the deciding ones of a long one (its
    array's type makes every other entry of the same Python type as one of them, or the same name); all of
    them when its entries' type does not decide their verdict: numbers where a Literal takes some, or a
    field whose entries are constrained or not plain values."""
    numbers_in_literal = column.names is None and any(not isinstance(v, str) for v in _named(annotation))
    if len(column) <= LONG or annotation is None or not _plain(annotation) or numbers_in_literal:
        return list(column)
    kept, entries = column.deciding(FIRST)
    places[place] = kept
    return entries


def _by_type(values: list, kinds: set, annotation) -> bool:
    """Return True when each entry's verdict follows from its type: every value of a Literal's type is one
    it names, and every int fits a float where floats are taken."""
    named = _named(annotation)
    if named:
        named_kinds = tuple({type(v) for v in named})
        # the distinct entries (a set, at C speed): a valid list has as few as the Literal names
        if any(isinstance(v, named_kinds) and v not in named for v in set(values)):
            return False
    if int in kinds and _takes_float(annotation):
        ints = values if kinds == {int} else [v for v in values if type(v) is int]
        if not (_fits_float(min(ints)) and _fits_float(max(ints))):  # every int between them fits too
            return False
    return True


def _fits_float(number: int) -> bool:
    """Return True when an int converts to a float (pydantic's strict float takes it then)."""
    try:
        float(number)
    except OverflowError:
        return False
    return True


def original_place(loc: tuple, places: dict[tuple, list[int]]) -> tuple:
    """Return a pydantic error's place with an index into a shortened list made an index into the whole list."""
    for length in range(len(loc) - 1, 0, -1):
        kept = places.get(tuple(loc[:length]))
        if kept is not None and isinstance(loc[length], int):
            return (*loc[:length], kept[loc[length]], *loc[length + 1:])
    return tuple(loc)
