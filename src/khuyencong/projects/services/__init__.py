"""Project writers. Each takes the acting user first, checks role and jurisdiction, runs in one
transaction, locks the project row, and writes the audit trail. State changes go through
`lifecycle.run_transition`, which enforces the lifecycle table in `workflow`.

- `core`: the checks every writer shares, the plan line's room, creating and editing a project;
- `lifecycle`: appraisal, the transitions and their effects, `lifecycle_take`;
- `participants`: a group project's establishments and the deliverables;
- `dossier`: documents, inspections, monthly progress;
- `adjustments`: requested changes and their decisions."""

from .adjustments import (
    ADJUSTABLE_STATES,
    FK_FIELDS,
    KIND_FIELDS,
    adjustment_approver,
    adjustment_decide,
    adjustment_request,
)
from .core import (
    MONEY_FIELDS,
    PROJECT_FIELDS,
    REFERENCE_FILE,
    LineRoomExceeded,
    NormExceeded,
    WrongState,
    line_room,
    line_used,
    project_create,
    project_for_change,
    project_reference_load,
    project_update,
    require_line_room,
)
from .dossier import (
    ALLOWED_TYPES,
    document_upload,
    inspection_record,
    progress_report_submit,
    upload_content,
)
from .lifecycle import (
    EFFECTS,
    appraisal_checks,
    lifecycle_take,
    norm_result,
    project_receive,
    project_transition,
    require_transition_permission,
    run_transition,
)
from .participants import (
    ACHIEVABLE_STATES,
    deliverable_record,
    deliverable_set,
    deliverable_sync,
    participant_add,
    participant_remove,
)

__all__ = [
    "ACHIEVABLE_STATES",
    "ADJUSTABLE_STATES",
    "ALLOWED_TYPES",
    "EFFECTS",
    "FK_FIELDS",
    "KIND_FIELDS",
    "MONEY_FIELDS",
    "PROJECT_FIELDS",
    "REFERENCE_FILE",
    "LineRoomExceeded",
    "NormExceeded",
    "WrongState",
    "adjustment_approver",
    "adjustment_decide",
    "adjustment_request",
    "appraisal_checks",
    "deliverable_record",
    "deliverable_set",
    "deliverable_sync",
    "document_upload",
    "inspection_record",
    "lifecycle_take",
    "line_room",
    "line_used",
    "norm_result",
    "participant_add",
    "participant_remove",
    "progress_report_submit",
    "project_create",
    "project_for_change",
    "project_receive",
    "project_reference_load",
    "project_transition",
    "project_update",
    "require_line_room",
    "require_transition_permission",
    "run_transition",
    "upload_content",
]
