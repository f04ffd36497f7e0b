"""Finance's answers to the ports of the apps below it (bound in `FinanceConfig.ready`)."""

from django.db.models import QuerySet

from khuyencong.projects.models import Project
from khuyencong.projects.ports import Balance

from .rollup import rollup_relocate
from .selectors import disbursed_by_project, disbursed_total, project_balance


class ProjectMoney:
    """khuyencong.projects.ports.Money, answered from the ledger."""

    def balance(self, project: Project) -> Balance:
        return project_balance(project)

    def disbursed_by_project(self, projects: QuerySet[Project]) -> dict[int, int]:
        return disbursed_by_project(projects)

    def disbursed_total(self, projects: QuerySet[Project]) -> int:
        return disbursed_total(projects)

    def relocate(self, project: Project, *, old_location_id: int) -> None:
        rollup_relocate(project, old_location_id=old_location_id)
