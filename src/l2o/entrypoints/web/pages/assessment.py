"""The L2O Index (said vs shown, quadrant, AI readiness, cost of the gap, before/after from
the saved snapshots) and the questionnaire as a form, which assesses the store with the
answers given and saves the result as a new snapshot."""

# Routes read their dependency aliases (local Annotated types) at definition time, so this
# module keeps its annotations evaluated (no ``from __future__ import annotations``).

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from l2o.assess import Answers, load_questionnaire
from l2o.entrypoints.web.charts import assessment_charts, comparison_charts
from l2o.entrypoints.web.context import Dashboard, Viewer
from l2o.errors import L2OError, RecordNotFound
from l2o.publish import AssessmentView
from l2o.services.assessing import assess_store
from l2o.services.assessment_snapshots import list_snapshots, load_snapshot

__all__ = ["register"]


def register(router: APIRouter, dashboard: Dashboard) -> None:
    """The assessment pages on ``router``."""
    reader = Annotated[Viewer, Depends(dashboard.require("assessment:read"))]
    runner = Annotated[Viewer, Depends(dashboard.require("assessment:run"))]

    @router.get("/index", response_class=HTMLResponse)
    def index_page(
        request: Request,
        viewer: reader,
        snapshot: str | None = None,
        before: str | None = None,
    ) -> HTMLResponse:
        """The L2O Index of a saved assessment (the latest unless one is named)."""
        snapshots = list_snapshots(dashboard.engine)
        context: dict[str, object] = {"snapshots": snapshots}
        if snapshots:
            current = snapshot or snapshots[-1].id
            try:
                view = AssessmentView.from_json(load_snapshot(dashboard.engine, current))
            except RecordNotFound:
                return dashboard.page(
                    request, "index.html", viewer, {**context, "missing": current}, status_code=404
                )
            context.update(view=view, current=current, charts=assessment_charts(view))
            earlier = before or (snapshots[0].id if snapshots[0].id != current else None)
            if earlier and earlier != current:
                try:
                    first = AssessmentView.from_json(load_snapshot(dashboard.engine, earlier))
                except RecordNotFound:
                    first = None
                if first is not None:
                    context.update(
                        before=first,
                        before_id=earlier,
                        comparison=comparison_charts(
                            first, view, (first.name or "Before", view.name or "After")
                        )["comparison"],
                    )
        return dashboard.page(request, "index.html", viewer, context)

    @router.get("/questionnaire", response_class=HTMLResponse)
    def questionnaire_form(request: Request, viewer: runner) -> HTMLResponse:
        """The 30-minute questionnaire as a form."""
        return dashboard.page(
            request, "questionnaire.html", viewer, {"questionnaire": load_questionnaire()}
        )

    @router.post("/questionnaire", response_model=None)
    async def questionnaire_submit(
        request: Request, viewer: runner
    ) -> RedirectResponse | HTMLResponse:
        """Assess the store with the answers given; show the new snapshot's index."""
        questionnaire = load_questionnaire()
        form = await request.form()
        known = {q.id for q in questionnaire.questions}
        levels: dict[str, int] = {}
        for key, value in form.items():
            if key in known and isinstance(value, str) and value.isdigit():
                levels[key] = min(int(value), 4)
        name = str(form.get("name") or "").strip() or None
        try:
            spec = dashboard.system.spec if dashboard.system is not None else None
            document = assess_store(dashboard.engine, spec=spec, answers=Answers(levels), name=name)
        except L2OError as error:
            return dashboard.page(
                request,
                "questionnaire.html",
                viewer,
                {"questionnaire": questionnaire, "error": str(error)},
                status_code=422,
            )
        return RedirectResponse(f"/index?snapshot={document['id']}", status_code=303)
