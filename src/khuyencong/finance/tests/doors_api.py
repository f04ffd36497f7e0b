"""Access-harness registrations for the finance API. Projects come from
`khuyencong.testing.projects.make_project`: "own" in phường Phan Rang (Khánh Hòa), "foreign" in Hà Nội.
A project under way there has a contract of 150 million đồng and an advance of 75 million.

Reading is for every role; recording and reversing entries for the roles that may change records. The
aggregate reads (executed amounts, outstanding advances) are checked like lists: a scoped role sees the
own project's money and never the foreign one's.
"""

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.finance.choices import EntryKind
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.access import door
from khuyencong.testing.projects import YEAR, make_project

CHANGE_ROLES = frozenset(
    {
        Role.MINISTRY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.PROVINCE_APPROVER,
        Role.COMMUNE_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)
ADVANCE = 75_000_000  # make_project advances half of the default 150 million support
_made: dict = {}


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _project(w, target, state=ProjectState.IN_PROGRESS):
    project = make_project(w, target, state)
    _made["project"] = project
    _made["advance"] = project.ledger_entries.get(kind=EntryKind.ADVANCE)
    return project


def _marker(key):
    return lambda w, u: f'"id": {_made[key].pk},'


door(
    "api:finance_contracts",
    lambda w, t, u: _url("finance_contracts", _project(w, t).pk),
    kind="api",
    own_marker=lambda w, u: '"value": 150000000,',
)
door(
    "api:finance_statement",
    lambda w, t, u: _url("finance_statement", _project(w, t).pk),
    kind="api",
    own_marker=lambda w, u: f'"disbursed": {ADVANCE},',
)
door(
    "api:finance_entry_record",
    lambda w, t, u: _url("finance_entry_record", _project(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "kind": "payment",
        "amount": 10_000_000,
        "value_date": f"{YEAR}-05-05",
        "reference": "UNC-15",
    },
    ok=201,
)
door(
    "api:finance_entry_reverse",
    lambda w, t, u: (_project(w, t), _url("finance_entry_reverse", _made["advance"].pk))[1],
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"reason": "Ghi nhầm số tiền", "amount": 5_000_000, "value_date": f"{YEAR}-03-20"},
    ok=201,
)
door(
    "api:finance_ledger",
    lambda w, t, u: (_project(w, t), _url("finance_ledger") + f"?year={YEAR}&kind=advance")[1],
    kind="api",
    is_list=True,
    own_marker=_marker("advance"),
    foreign_marker=_marker("advance"),
)
door(
    "api:finance_executed",
    lambda w, t, u: (_project(w, t), _url("finance_executed") + f"?start={YEAR}-01-01&end={YEAR}-12-31")[1],
    kind="api",
    is_list=True,  # an aggregate over the caller's jurisdiction: the foreign advance must not count
    own_marker=lambda w, u: f'"total": {ADVANCE},',
    foreign_marker=lambda w, u: f'"total": {ADVANCE},',
)
door(
    "api:finance_outstanding_advances",
    lambda w, t, u: (_project(w, t), _url("finance_outstanding_advances"))[1],
    kind="api",
    is_list=True,
    own_marker=_marker("project"),
    foreign_marker=_marker("project"),
)
