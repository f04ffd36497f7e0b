"""Demonstration projects and their money, for `make run`.

Several hundred projects over the three demo plan years, in every province, on the lines of the demo
plans (plans.demo): point, group and task projects with Vietnamese titles, budgets within the support
norms and within each line's room, taken through the real services by the demo users of the right
roles, so that every state, contract, ledger entry, deliverable, inspection, progress report and
adjustment has its audit trail.

- Older years are mostly settled; the previous year keeps a few late ones (accepted or liquidated
  without settlement, in progress after the liquidation deadline, one extended into this year); the
  current year is mostly in progress or accepted. Nothing is dated after today.
- Khánh Hòa (the demo officer's province) gets every plan line covered and a few fresh projects in
  draft, registered, appraised and approved states to walk through the lifecycle in the UI.
- Khánh Hòa's projects are handled by chi.lan (officer) and anh.minh (province approver: KCĐP
  approvals, stops and the department's decisions); KCQG approvals and stops are the ministry's
  (chi.ha). Provinces without demo users are handled by the system administrator (quantri).

Deterministic (one seeded random generator per plan) and idempotent: when projects exist already,
nothing is written."""

from .seed import demo_seed

__all__ = ["demo_seed"]
