"""Access-harness registrations for a list export made by the worker (see khuyencong.testing.access):
a job is its requester's only — anybody else's is not found, whatever their role."""

from django.urls import reverse

from khuyencong.accounts.models import User
from khuyencong.core.models import ListExport
from khuyencong.testing.access import door


def finished_list_export(user, target: str) -> ListExport:
    """A finished CSV of the fair list, the requester's ("own") or somebody else's ("foreign")."""
    owner = user if target == "own" else User.objects.exclude(pk=user.pk).order_by("pk").first()
    return ListExport.objects.create(
        requested_by=owner,
        list_name="events.fairs",
        path=reverse("events:fair_list"),
        format="csv",
        status="done",
        progress=100,
        rows_total=1,
        content="\ufeffHội chợ\r\nHội chợ kiểm thử\r\n".encode(),
        filename="hoi-cho.csv",
    )


door(
    "core:export_job",
    lambda w, t, u: reverse("core:export_job", args=[finished_list_export(u, t).pk]),
    per_user=True,
    own_marker=lambda w, u: 'data-testid="export-download"',
)
door(
    "core:export_file",
    lambda w, t, u: reverse("core:export_file", args=[finished_list_export(u, t).pk]),
    per_user=True,
)
