"""A per-client column as the analysis hands it over: a numpy array read as the plain list the contract
describes, and written to JSON as that list.

Ten million clients' nine lists of Python objects took 2.4 GB at the peak of `analyze` (a Python float is
24 bytes and its place in a list 8 more); held as arrays they take a tenth of that, and the context's checks
and its writing read them at C speed. Everything that reads a column reads plain Python values: a float
column's NaN and infinities read as None, a coded column's codes as its names. A context read back from
context.json holds plain lists instead; readers treat both alike (a Sequence).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import orjson

CHUNK = 1 << 16  # entries made Python objects at a time, when a column is read or written whole


class Column(Sequence):
    """One entry per client: floats (missing: None), ints, or codes into `names` (texts, or None)."""

    __slots__ = ("values", "names")

    def __init__(self, values, names: Sequence | None = None) -> None:
        values = np.asarray(values)
        if values.ndim != 1:
            raise ValueError(f"a Column is one entry per client, not an array of {values.ndim} dimensions")
        if not values.dtype.isnative:
            values = values.astype(values.dtype.newbyteorder("="))  # orjson writes native numbers only
        if values.base is not None:
            values = values.copy()  # a view would keep its whole base alive: a table's block of columns
        if names is None and values.dtype.kind not in "fiub":
            raise TypeError(f"a Column holds numbers or codes into names, not {values.dtype}")
        if names is not None and values.dtype.kind not in "iu":
            raise TypeError(f"a coded Column's codes are integers, not {values.dtype}")
        if values.dtype.kind == "b":
            values = values.astype(np.int8)  # a flag reads as 0 or 1, as the contract's ints
        elif values.dtype.kind == "f":
            values = values.astype(np.float64, copy=False)  # written as Python writes its floats
        if names is not None and len(values) and not 0 <= values.min() <= values.max() < len(names):
            raise ValueError(f"a coded Column's codes are 0 to {len(names) - 1}")
        self.values = values
        self.names = tuple(names) if names is not None else None

    @classmethod
    def missing(cls, size: int) -> Column:
        """Return a column of `size` Nones."""
        return cls(np.zeros(size, dtype=np.int8), names=(None,))

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._plain(self.values[index])
        return self._plain(self.values[[index]])[0]  # out of range: numpy's IndexError

    def __iter__(self) -> Iterator:
        for start in range(0, len(self), CHUNK):
            yield from self._plain(self.values[start:start + CHUNK])

    def __eq__(self, other) -> bool:
        if not isinstance(other, (list, Column)):  # as a list: never equal to a tuple or a text
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # mutable, like the list it stands for

    def __repr__(self) -> str:
        head = ", ".join(map(repr, self[:5]))
        return f"Column([{head}{', ...' if len(self) > 5 else ''}], {len(self)} entries)"

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """Return the entries as an array: floats with NaN for None, ints, or an object array of names (a
        new array each time: copy=False cannot be honoured)."""
        if copy is False:
            raise ValueError("a Column's entries are always copied into a new array")
        if self.names is not None:
            out = np.array(self.names, dtype=object)[self.values]
        else:
            out = self.values.astype(float) if self.values.dtype.kind == "f" else self.values.copy()
            if out.dtype.kind == "f":
                out[~np.isfinite(out)] = np.nan
        return out if dtype is None else out.astype(dtype)

    def _plain(self, part: np.ndarray) -> list:
        """Return a slice of the array as Python values."""
        if self.names is not None:
            names = self.names
            return [names[code] for code in part.tolist()]
        out = part.tolist()
        if part.dtype.kind == "f":
            for index in np.flatnonzero(~np.isfinite(part)).tolist():
                out[index] = None
        return out

    def deciding(self, first: int) -> tuple[list[int], list]:
        """Return the indexes and values of the entries whose validity decides every entry's: the first
        `first`, the first missing value of a float column and the first entry of each name a coded column
        uses (every other entry is of the same Python type as one of them, or the same name)."""
        kept = set(range(min(first, len(self))))
        if self.names is not None:
            # each used code's first place, without sorting every entry (np.unique: 0.75 s of ten million)
            kept |= {int(np.argmax(self.values == code)) for code in np.flatnonzero(np.bincount(self.values))}
        elif self.values.dtype.kind == "f":
            bad = np.flatnonzero(~np.isfinite(self.values))
            if len(bad):
                kept.add(int(bad[0]))
        kept = sorted(kept)
        return kept, [self[i] for i in kept]

    def to_json(self) -> bytes:
        """Return the entries as one line of JSON (a list), in UTF-8."""
        if self.names is None:
            return orjson.dumps(self.values, option=orjson.OPT_SERIALIZE_NUMPY)  # NaN and infinities: null
        names = np.array([orjson.dumps(name) for name in self.names], dtype=object)
        parts = (b",".join(names[self.values[start:start + CHUNK]]) for start in range(0, len(self), CHUNK))
        return b"[" + b",".join(parts) + b"]"
