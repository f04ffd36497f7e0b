"""Rows that several tests read, written once.

Building some data takes many service calls (a project walked to "settled", the whole demo); when a
group of tests only reads it, `SharedTransaction` writes it once in a transaction the group shares:
pytest-django's own transaction for each test opens inside it as a savepoint, so what one test writes
is gone before the next, and `close()` rolls the shared rows back. Open it from a fixture that runs
before the test's `db` (a module-scoped fixture, or a function-scoped one listed before `db`)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


class SharedTransaction:
    def __init__(self, blocker: Any):
        self.blocker = blocker
        self.atomic: Any = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, build: Callable[[], Any]) -> Any:
        """Open the shared transaction and run `build` in it; its result is returned."""
        self.close()
        with self.blocker.unblock():
            atomic = transaction.atomic()
            atomic._from_testcase = True  # like TestCase's own: the services' durable blocks nest in it
            atomic.__enter__()
            self.atomic = atomic
            try:
                return build()
            except BaseException:
                self.close()
                raise

    def close(self) -> None:
        if self.atomic is not None:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
            self.atomic = None


@contextmanager
def shared(blocker: Any, build: Callable[[], Any]) -> Iterator[Any]:
    """`build`'s rows for the tests run inside the block (a module-scoped fixture's `yield`)."""
    rows = SharedTransaction(blocker)
    try:
        yield rows.open(build)
    finally:
        rows.close()
