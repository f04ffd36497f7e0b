"""Demonstration data for `make run`: a realistic programme on top of the reference data, in the order
the apps depend on each other (`seed`). Idempotent; every row is written through the services, as an
officer would write it."""
