"""Event writers. Each takes the acting user first, checks role and jurisdiction, validates every field
(refusing with all field errors at once and writing nothing), runs in one transaction and writes the
audit trail.

Counts are never typed twice: when an event is linked to a project, the project's deliverables for the
indicators events count are recomputed from the events (`projects.services.deliverable_sync`) in the
same transaction. A project's counts are kept from its approval until its acceptance; after that they
are final and events linked to it directly can no longer change.

A certified typical product sets its establishment's priority flag (`Establishment.typical_product`)
while the certificate is valid; `establishment_priority_refresh` (command `refresh_priority_flags`)
keeps the flags right as certificates expire.
"""

from .fairs import fair_create, participation_add, participation_remove
from .rules import WrongState, project_counts_sync
from .selections import (
    can_organise,
    entry_add,
    entry_certify,
    entry_reject,
    entry_score,
    establishment_priority_refresh,
    selection_create,
)
from .titles import title_create
from .trainings import trainee_add, training_create

__all__ = [
    "WrongState",
    "can_organise",
    "entry_add",
    "entry_certify",
    "entry_reject",
    "entry_score",
    "establishment_priority_refresh",
    "fair_create",
    "participation_add",
    "participation_remove",
    "project_counts_sync",
    "selection_create",
    "title_create",
    "trainee_add",
    "training_create",
]
