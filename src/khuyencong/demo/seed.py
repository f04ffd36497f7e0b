"""The demo, step by step: each step reads what the steps before it wrote."""

from khuyencong.core.reference import LoadReport

from . import accounts, establishments, events, plans, programme, reporting

STEPS = (
    accounts.demo_seed,  # agencies' names over time, one user per role
    establishments.demo_seed,  # the registry of establishments
    plans.demo_seed,  # three years of plans, each revised
    programme.demo_seed,  # projects in every state, contracts, the ledger
    establishments.demo_link_representative,  # ông Tư represents an establishment with projects
    events.demo_seed,  # fairs, selections, titles, trainings
    reporting.demo_seed,  # submissions in every state
)


def seed(*, report: LoadReport) -> None:
    for step in STEPS:
        step(report=report)
