"""Reading CSV files as they arrive from CRMs and spreadsheets, one row at a time.

- **Encoding**: UTF-8 (with or without a byte-order mark) is assumed when the first
  megabyte decodes as UTF-8; otherwise charset-normalizer names the encoding (Windows-1252
  exports are common). Bytes that still do not decode are kept as escapes and the row is
  quarantined by the converter (rule ``encoding``), not the file.
- **Rows**: RFC 4180 quoting; a row with more or fewer cells than the header is a
  ``Rejection`` (rule ``field_count``); blank lines are skipped. Row numbers count records
  with the header as row 1, as a spreadsheet shows them.
- **Headers** are returned as written; matching them to fields is the source adapter's job.
- **Size**: a cell may be very large (up to 64 MiB); the converter refuses what the store
  cannot hold.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from l2o.ingest.problems import Rejection, safe_raw

__all__ = ["CsvRow", "detect_encoding", "read_csv"]

_SAMPLE_BYTES = 1 << 20
csv.field_size_limit(64 << 20)


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number in the file and its cells keyed by header."""

    row_number: int
    cells: dict[str, str]


def detect_encoding(path: Path) -> str:
    """The text encoding of ``path``: ``utf-8-sig`` when it reads as UTF-8, else detected."""
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample).best()
    return best.encoding if best is not None else "latin-1"


def read_header(path: Path, encoding: str | None = None) -> list[str]:
    """The header row of ``path`` (empty for an empty file)."""
    with _open(path, encoding or detect_encoding(path)) as handle:
        return next(csv.reader(handle), [])


def read_csv(
    path: Path, record_type: str, encoding: str | None = None
) -> Iterator[CsvRow | Rejection]:
    """The rows of ``path``: a ``CsvRow`` per well-formed row, a ``Rejection`` per broken one.

    ``record_type`` labels rejections. Iterating reads the file lazily, so memory does not
    grow with its size.
    """
    encoding = encoding or detect_encoding(path)
    with _open(path, encoding) as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        width = len(header)
        row_number = 1
        while True:
            row_number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Rejection(
                    record_type,
                    row_number,
                    None,
                    "malformed_csv",
                    f"unreadable row: {exc}",
                    {},
                    path.name,
                )
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip() and width != 1):
                continue
            if len(cells) != width:
                raw = dict(zip(header, cells, strict=False))
                if len(cells) > width:
                    raw["_extra_cells"] = cells[width:]  # type: ignore[assignment]
                yield Rejection(
                    record_type,
                    row_number,
                    None,
                    "field_count",
                    f"{len(cells)} cells where the header has {width}",
                    safe_raw(raw),
                    path.name,
                )
                continue
            # As wide as the header (checked above): no second check of the lengths.
            yield CsvRow(row_number, dict(zip(header, cells, strict=False)))


def _open(path: Path, encoding: str) -> io.TextIOWrapper:
    # surrogateescape keeps undecodable bytes visible to the converter, which refuses them.
    return path.open("r", encoding=encoding, errors="surrogateescape", newline="")
