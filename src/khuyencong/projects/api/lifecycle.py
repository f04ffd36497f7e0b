"""The lifecycle over HTTP, generated from `workflow.TRANSITIONS`: the table itself, and one endpoint per
action whose body is the action's fields and the `version` read; the endpoint calls the service the
table names for the action (`services.lifecycle_take`). Any other action name answers 400 `unknown_action`."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from pydantic import StrictInt, create_model

from khuyencong.core.api_types import Date
from khuyencong.core.errors import ValidationFailed

from .. import services
from ..models import Project
from ..selectors import projects_visible
from ..workflow import BY_ACTION, TRANSITIONS, WHO_LABELS, Transition
from .lookups import project_in_scope
from .schemas import ProjectDetailOut, TransitionOut, action_fields, transition_head

router = Router(tags=["projects"])

KIND_TYPES: dict[str, Any] = {
    "text": str,
    "date": Date,
    "money": StrictInt,
    "choice": str,
    "project": int,  # a project's id
    "document": int,  # the id of one of the project's documents
}


def _action_schema(t: Transition) -> type[Schema]:
    fields: dict[str, Any] = {
        "version": (int, Field(..., description="the version you read; a newer one answers 409"))
    }
    for f in action_fields(t):
        kind = KIND_TYPES[f.kind]
        fields[f.name] = (kind, ...) if f.required else (kind | None, None)
    name = "".join(part.title() for part in t.action.split("_"))
    return create_model(f"{name}ActionIn", __base__=Schema, **fields)


ACTION_SCHEMAS = {t.action: _action_schema(t) for t in TRANSITIONS}


@router.get(
    "/projects/lifecycle",
    response=list[TransitionOut],
    summary="The project lifecycle: every action, from which states, who may take it, what it asks for",
)
def project_lifecycle(request):
    return [
        {
            **transition_head(t),
            "sources": [str(s) for s in t.sources],
            "who": str(t.who),
            "who_label": str(WHO_LABELS[t.who]),
            "effects": str(t.effects),
            "service": t.service,
        }
        for t in TRANSITIONS
    ]


def _action_arguments(request, project: Project, t: Transition, values: dict[str, Any]) -> dict[str, Any]:
    """The action's fields as the service takes them: a project id becomes a project the caller may see,
    a document id one of this project's documents."""
    kwargs: dict[str, Any] = {}
    for f in action_fields(t):
        value = values.get(f.name)
        if value is not None and f.kind == "project":
            value = projects_visible(request.user).filter(pk=value).first()
            if value is None:
                raise ValidationFailed(
                    _("Choose a project in your jurisdiction."), code="invalid_target", field=f.name
                )
        elif value is not None and f.kind == "document":
            value = project.documents.filter(pk=value).first()
            if value is None:
                raise ValidationFailed(
                    _("The document belongs to another project."), code="invalid_fields", field=f.name
                )
        kwargs[f.name] = value
    return kwargs


def _take_action(request, project_id: int, action: str, payload: Schema) -> Project:
    project = project_in_scope(request, project_id)
    t = BY_ACTION[action]
    services.require_transition_permission(request.user, project, action)  # role first, then fields
    values = payload.dict()
    version = values.pop("version")
    services.lifecycle_take(
        actor=request.user,
        project=project,
        action=action,
        version=version,
        **_action_arguments(request, project, t, values),
    )
    return project_in_scope(request, project_id)


def _register_action(t: Transition) -> None:
    schema = ACTION_SCHEMAS[t.action]

    def take(request, project_id: int, payload: schema):  # type: ignore[valid-type]
        return _take_action(request, project_id, t.action, payload)

    take.__name__ = take.__qualname__ = f"project_action_{t.action}"
    router.post(
        f"/projects/{{project_id}}/actions/{t.action}",
        response=ProjectDetailOut,
        url_name=f"project_action_{t.action}",
        summary=f"Lifecycle action “{t.action}”: {', '.join(t.sources)} → {t.target}",
    )(take)


for _transition in TRANSITIONS:
    _register_action(_transition)


@router.post(
    "/projects/{project_id}/actions/{action}",
    response=ProjectDetailOut,
    summary="Any other action name: refused with 400 unknown_action",
)
def project_action(request, project_id: int, action: str):
    project_in_scope(request, project_id)
    raise ValidationFailed(_("Unknown action."), code="unknown_action", field="action", action=action)
