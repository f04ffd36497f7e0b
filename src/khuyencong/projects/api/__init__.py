"""HTTP API of projects: the list and one project with everything that hangs off it, create and edit,
the lifecycle (one endpoint per action of `workflow.TRANSITIONS`, with a body generated from the
action's fields), participants, deliverables, dossier documents, inspections, progress reports and
adjustments.

Reads go through the selectors and `get_in_scope` (out of jurisdiction: 404 `not_found`), writes
through the services, whose refusals come back as JSON with a stable `code`: `wrong_state`,
`stale_write` (409: reload and resend with the new `version`), `precondition_failed`, `norm_exceeded`,
`line_room_exceeded`, `file_type_not_allowed`… Money is integer đồng; records are named by id, except
agencies and indicators (by code).
"""

from ninja import Router

from . import dossier, lifecycle, projects

router = Router(tags=["projects"])
router.add_router("", lifecycle.router)  # first: /projects/lifecycle before /projects/{project_id}
router.add_router("", projects.router)
router.add_router("", dossier.router)
