"""Running the machine: imports (upload, status, quarantine), assessments (run, list, get,
compare, download), metrics, people and their tokens."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from l2o.analytics.metrics import GROUPINGS, compute_metrics
from l2o.entrypoints.api.deps import Context, CurrentPrincipal, PageLimit, PageOffset, requires
from l2o.entrypoints.api.problems import PROBLEM_RESPONSES, ProblemError
from l2o.entrypoints.api.routes.commands import IdempotencyKey
from l2o.entrypoints.api.schemas import (
    AssessmentSummary,
    CreatedToken,
    CreatedUser,
    RecordList,
    RunAssessmentResult,
)
from l2o.ingest import SOURCES, adapter_for
from l2o.services.access import add_user, create_token
from l2o.services.access_policy import ACCESS_ROLES
from l2o.services.access_records import record_data
from l2o.services.assessment_package import write_assessment
from l2o.services.assessment_snapshots import compare_snapshots, list_snapshots, load_snapshot
from l2o.services.importing import import_directory
from l2o.services.metrics_reading import open_metrics_tables
from l2o.services.quarantine import find_batch, list_batches, quarantined_rows

__all__ = ["router"]

router = APIRouter(responses=PROBLEM_RESPONSES)

Ref = Annotated[str, Path(min_length=1, max_length=200)]
_MAX_FILES = 50
_MAX_UNZIPPED = 1_000_000_000


@router.post("/imports", status_code=201, tags=["imports"], dependencies=[requires("import:write")])
def upload_import(
    ctx: Context,
    principal: CurrentPrincipal,
    files: Annotated[list[UploadFile], File(description="CSV files, or one zip of them.")],
    source: Annotated[str, Form(max_length=40)] = "neutral",
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Import uploaded exports as one batch: counts per record type and the batch id."""
    if source not in SOURCES:
        raise ProblemError(
            422,
            "Unknown source",
            f"source {source!r}; use one of {', '.join(SOURCES)}",
            rule="import.source",
        )
    if len(files) > _MAX_FILES:
        raise ProblemError(
            422, "Too many files", f"at most {_MAX_FILES} files", rule="import.files"
        )
    with tempfile.TemporaryDirectory(prefix="l2o-upload-") as tmp:
        folder = FilePath(tmp)
        for upload in files:
            name = FilePath(upload.filename or "upload.csv").name
            if name.lower().endswith(".zip"):
                _unzip(upload, folder)
            elif name.lower().endswith(".csv"):
                with (folder / name).open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
            else:
                raise ProblemError(
                    422,
                    "Not a CSV or zip",
                    f"{name}: upload .csv files or a .zip",
                    rule="import.file_type",
                )
        # The architecture's rules apply to an upload as to every other path, when the
        # API has a spec (given, or the L2O_SPEC file); without one the summary says so.
        has_spec = ctx.spec is not None or ctx.settings.spec.is_file()
        summary = import_directory(
            ctx.engine,
            folder,
            adapter_for(source),
            actor=principal.user_id,
            source_name={"upload": ", ".join(f.filename or "" for f in files), "source": source},
            system=ctx.system() if has_spec else None,
        )
    return summary.to_json()


def _unzip(upload: UploadFile, folder: FilePath) -> None:
    try:
        archive = zipfile.ZipFile(upload.file)
    except zipfile.BadZipFile as exc:
        raise ProblemError(422, "Not a zip file", str(exc), rule="import.zip") from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > _MAX_UNZIPPED or len(members) > _MAX_FILES:
            raise ProblemError(
                413, "Archive too large", "the zip holds too much", rule="import.zip_size"
            )
        for member in members:
            name = FilePath(member.filename).name  # flattened: no path leaves the folder
            if name.lower().endswith(".csv"):
                with archive.open(member) as src, (folder / name).open("wb") as out:
                    shutil.copyfileobj(src, out)


@router.get("/imports", tags=["imports"], dependencies=[requires("import:write")])
def imports(ctx: Context, limit: PageLimit) -> list[dict[str, Any]]:
    """The latest import batches, newest first, with their counts and status."""
    return [record_data(b) for b in list_batches(ctx.engine, limit=limit)]


@router.get("/imports/{batch_id}", tags=["imports"], dependencies=[requires("import:write")])
def import_status(batch_id: Ref, ctx: Context) -> dict[str, Any]:
    """One import batch: status, counts, error."""
    return record_data(find_batch(ctx.engine, batch_id))


@router.get(
    "/imports/{batch_id}/quarantine", tags=["imports"], dependencies=[requires("import:write")]
)
def quarantine(batch_id: Ref, ctx: Context, limit: PageLimit, offset: PageOffset = 0) -> RecordList:
    """The batch's refused rows: row number, field, rule, message and the raw row."""
    rows = quarantined_rows(ctx.engine, find_batch(ctx.engine, batch_id).id)
    return RecordList(
        items=[record_data(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
    )


class AssessmentRun(BaseModel):
    """Run an assessment of the store (a snapshot is saved)."""

    name: str | None = Field(default=None, max_length=200)


@router.post(
    "/assessments", status_code=201, tags=["assessments"], dependencies=[requires("assessment:run")]
)
def run_assessment(
    body: AssessmentRun, ctx: Context, idempotency_key: IdempotencyKey = None
) -> RunAssessmentResult:
    """Assess the company in the store and write the report package; the snapshot id."""
    spec = ctx.system().spec if _spec_exists(ctx) else None
    root = ctx.settings.data_dir / "assessments"
    root.mkdir(parents=True, exist_ok=True)
    # Each run writes in a folder of its own, so two runs at once cannot mix their files.
    work = FilePath(tempfile.mkdtemp(prefix=".running-", dir=root))
    try:
        package = write_assessment(ctx.engine, work, spec=spec, name=body.name)
        snapshot_id = str(package.document["id"])
        final = _package_dir(ctx, snapshot_id)
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return RunAssessmentResult(
        id=snapshot_id,
        name=package.document.get("name"),
        index=package.document.get("index"),
        files=sorted(str(p.relative_to(work)) for p in package.files),
    )


def _spec_exists(ctx: Context) -> bool:
    return ctx.spec is not None or ctx.settings.spec.exists()


def _package_dir(ctx: Context, snapshot_id: str) -> FilePath:
    return (ctx.settings.data_dir / "assessments" / snapshot_id).resolve()


@router.get("/assessments", tags=["assessments"], dependencies=[requires("assessment:read")])
def assessments(ctx: Context) -> list[AssessmentSummary]:
    """Every saved assessment, oldest first."""
    return [
        AssessmentSummary(
            id=s.id,
            name=s.name,
            created_at=s.created_at,
            rubric_version=s.rubric_version,
            index=s.index,
        )
        for s in list_snapshots(ctx.engine)
    ]


@router.get(
    "/assessments/compare", tags=["assessments"], dependencies=[requires("assessment:read")]
)
def compare(
    ctx: Context,
    before: Annotated[str, Query(min_length=1, max_length=200)],
    after: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """Two saved assessments side by side (day 0 against day 90)."""
    return compare_snapshots(ctx.engine, before, after)


@router.get("/assessments/{ref}", tags=["assessments"], dependencies=[requires("assessment:read")])
def assessment(ref: Ref, ctx: Context) -> dict[str, Any]:
    """One saved assessment (``assessment.json``) by id, id prefix or name."""
    return load_snapshot(ctx.engine, ref)


@router.get(
    "/assessments/{ref}/files/{name:path}",
    tags=["assessments"],
    dependencies=[requires("assessment:read")],
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def assessment_file(ref: Ref, name: str, ctx: Context) -> FileResponse:
    """Download one file of an assessment's package (report, brief, plan, CRM packages)."""
    snapshot_id = str(load_snapshot(ctx.engine, ref)["id"])
    folder = _package_dir(ctx, snapshot_id)
    target = (folder / name).resolve()
    if not target.is_relative_to(folder) or not target.is_file():
        raise ProblemError(
            404, "Not found", f"assessment {snapshot_id} has no file {name!r}", rule="scope"
        )
    return FileResponse(target, filename=target.name)


@router.get("/metrics", tags=["metrics"], dependencies=[requires("forecast:read")])
def metrics(
    ctx: Context,
    as_of: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    period: Annotated[str | None, Query(max_length=10)] = None,
    by: Annotated[str | None, Query(description=f"One of {', '.join(GROUPINGS)}.")] = None,
) -> dict[str, Any]:
    """Revenue metrics, each with its definition and its n (see docs/metrics.md)."""
    if by is not None and by not in GROUPINGS:
        raise ProblemError(
            422,
            "Unknown grouping",
            f"by {by!r}; use one of {', '.join(GROUPINGS)}",
            rule="metrics.by",
        )
    with open_metrics_tables(ctx.engine.url) as tables:
        report = compute_metrics(tables, as_of, period=period, by=by)
    return report.to_dict()


class UserCreate(BaseModel):
    """A person to give access to."""

    name: str = Field(min_length=1, max_length=200)
    access_role: str = Field(pattern="^(" + "|".join(ACCESS_ROLES) + ")$")
    email: str | None = Field(default=None, max_length=320)
    manager_id: str | None = Field(default=None, max_length=36)
    team: str | None = Field(default=None, max_length=100)


@router.post("/users", status_code=201, tags=["users"], dependencies=[requires("user:admin")])
def create_user(
    body: UserCreate, ctx: Context, idempotency_key: IdempotencyKey = None
) -> CreatedUser:
    """Add a person with an access role."""
    user_id = add_user(ctx.engine, **body.model_dump())
    return CreatedUser(id=user_id, **body.model_dump())


@router.post(
    "/users/{user_id}/tokens",
    status_code=201,
    tags=["users"],
    dependencies=[requires("user:admin")],
)
def create_user_token(
    user_id: Ref, ctx: Context, idempotency_key: IdempotencyKey = None
) -> CreatedToken:
    """A new API token for the person; shown only in this answer."""
    return CreatedToken(user_id=user_id, token=create_token(ctx.engine, user_id))
