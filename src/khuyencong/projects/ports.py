"""What projects asks of the apps above it, as ports those apps bind when they load.

The apps form layers and import only downward (ARCHITECTURE.md). A project's preconditions and checks
ask money questions whose answers live in the ledger, one layer up; and three lifecycle actions move
money, so finance carries them out. Projects declares what it needs here and finance binds it in
`FinanceConfig.ready`:

- `money()` — a project's balance, what stopped projects disbursed, and the disbursed-by-month
  aggregate following a project that moves to another province;
- `workflow.bind_service(...)` — the services that take the lifecycle actions moving money (the
  `service` each transition names in `workflow.TRANSITIONS`); `services.lifecycle_take` is the one
  door to every action, for the project page and the API alike.
"""

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from .models import Project


@dataclass(frozen=True)
class Balance:
    """A project's or a contract's money, in đồng (computed by `finance.selectors`)."""

    contracted: int = 0  # sum of the contracts' values
    committed: int = 0  # commitments less released commitments
    advanced: int = 0  # advances less their reversals
    paid: int = 0  # payments less their reversals
    recovered: int = 0  # recoveries less their reversals
    disbursed: int = 0  # advances + payments − recoveries

    @property
    def undisbursed(self) -> int:
        """What is committed and not yet disbursed."""
        return self.committed - self.disbursed


class Money(Protocol):
    def balance(self, project: Project) -> Balance: ...

    def disbursed_by_project(self, projects: QuerySet[Project]) -> dict[int, int]: ...

    def disbursed_total(self, projects: QuerySet[Project]) -> int:
        """What the projects disbursed in all, summed in the database (a list's totals row)."""
        ...

    def relocate(self, project: Project, *, old_location_id: int) -> None:
        """The project's place moved (maybe to another province): its disbursed months follow it."""
        ...


_money: Money | None = None


def bind_money(port: Money) -> None:
    global _money
    _money = port


def money() -> Money:
    if _money is None:
        raise ImproperlyConfigured("the projects money port is not bound (is khuyencong.finance installed?)")
    return _money
