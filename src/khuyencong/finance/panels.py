"""What finance adds to the pages of the apps below it (core.panels; registered in FinanceConfig.ready)."""

from typing import Any

from django.http import HttpRequest

from khuyencong.core.views import kept
from khuyencong.establishments.models import Establishment
from khuyencong.projects.models import Project

from .forms import EntryForm
from .selectors import establishment_support, machinery_repeats, project_statement


def establishment_money(request: HttpRequest, establishment: Establishment) -> dict[str, Any]:
    """The establishment's profile: the support it received, project by project, and machinery bought
    twice."""
    support = establishment_support(request.user, establishment)
    return {
        "support": support,
        "support_total": sum(row.support for row in support if row.project.state != "stopped"),
        "machinery_repeats": machinery_repeats(support),
    }


def project_ledger(request: HttpRequest, project: Project) -> dict[str, Any]:
    """A project's page: its ledger statement and the form that records an entry."""
    return {
        "statement": project_statement(project),
        "entry_form": kept(request, EntryForm, prefix="entry", project=project),
    }
