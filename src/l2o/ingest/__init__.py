"""Ingest: CRM exports and spreadsheets -> checked, standardized neutral records. No store access.

A *source adapter* (``NeutralSource``, ``SalesforceSource``, ``HubSpotSource``,
``MappedSource`` for a mapping YAML) plans which file holds which record type and reads its
rows as neutral rows; ``RowConverter`` checks and standardizes each one; a row that breaks a
rule becomes a ``Rejection`` naming its row number, field and rule. ``checked_chunks``
streams a file through both in bounded memory. Writing - references, upserts, quarantine,
one transaction per batch - is ``l2o.services.importing``.

::

    from l2o.ingest import adapter_for, checked_chunks, RowConverter, record_spec

    adapter = adapter_for("salesforce")
    plan = adapter.plan(Path("exports/"))
    for source_file in plan.files:
        converter = RowConverter(record_spec(source_file.record_type), adapter.formats)
        for chunk in checked_chunks(adapter, source_file, converter):
            ...

The standardization functions (``standard_email``, ``standard_phone``...) live in
``l2o.ingest.standardize``; dedupe (``l2o.ingest.dedupe``) matches on their output.
"""

from l2o.ingest.ahead import (
    CONVERT_AHEAD_BYTES,
    Chunk,
    ConversionFailed,
    ConvertedFiles,
    converted_files,
)
from l2o.ingest.convert import (
    RowConverter,
    StagedRow,
    ValueFormats,
    insert_columns,
    insert_defaults,
)
from l2o.ingest.csvfile import CsvRow, detect_encoding, read_csv
from l2o.ingest.insert_chunk import InsertChunk
from l2o.ingest.pipeline import DEFAULT_CHUNK_ROWS, RowChunk, checked_chunks
from l2o.ingest.problems import Rejection, RowProblem
from l2o.ingest.records import IMPORT_ORDER, RECORD_SPECS, FieldSpec, RecordSpec, record_spec
from l2o.ingest.sources import (
    SOURCES,
    MappingError,
    NeutralRow,
    SourceAdapter,
    SourceFile,
    SourcePlan,
    adapter_for,
)

__all__ = [
    "CONVERT_AHEAD_BYTES",
    "DEFAULT_CHUNK_ROWS",
    "IMPORT_ORDER",
    "RECORD_SPECS",
    "SOURCES",
    "Chunk",
    "ConversionFailed",
    "ConvertedFiles",
    "CsvRow",
    "FieldSpec",
    "InsertChunk",
    "MappingError",
    "NeutralRow",
    "RecordSpec",
    "Rejection",
    "RowChunk",
    "RowConverter",
    "RowProblem",
    "SourceAdapter",
    "SourceFile",
    "SourcePlan",
    "StagedRow",
    "ValueFormats",
    "adapter_for",
    "checked_chunks",
    "converted_files",
    "detect_encoding",
    "insert_columns",
    "insert_defaults",
    "read_csv",
    "record_spec",
]
