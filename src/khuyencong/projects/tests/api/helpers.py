"""Calling the projects API in tests: URLs, actions with the version read, refusals."""

from django.urls import reverse

from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import DocumentForm, Project
from khuyencong.testing.projects import YEAR, establishment, plan_line

S = ProjectState
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def call(client, method, name, args=(), body=None):
    if body is None:
        return getattr(client, method)(url(name, *args))
    return getattr(client, method)(url(name, *args), body, content_type="application/json")


def act(client, project, action, **fields):
    version = Project.objects.get(pk=project.pk).version
    return call(client, "post", f"project_action_{action}", [project.pk], {"version": version, **fields})


def refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code, response.json()
    return response.json()


def _new(world, **changes):
    return {
        "plan_line": plan_line(world).pk,
        "title": "Hỗ trợ máy sấy nông sản",
        "kind": "point",
        "implementer_kind": "establishment",
        "implementer_establishment": establishment(world).pk,
        "location": world.phan_rang.pk,
        "start_date": f"{YEAR}-04-01",
        "end_date": f"{YEAR}-10-31",
        "support_amount": 150_000_000,
        "counterpart_amount": 250_000_000,
        **changes,
    }


def upload(client, project, file, form=None, note=""):
    form = form or DocumentForm.objects.order_by("order").first().code
    return client.post(url("project_document_upload", project.pk), {"form": form, "file": file, "note": note})
