"""The access harness: every page and API endpoint ("door") is registered here and tested for
each role × (own jurisdiction / foreign jurisdiction) and anonymously by
`khuyencong/testing/tests/test_access_matrix.py`. A meta-test fails when a URL has no door.

Register doors in `<app>/tests/doors.py` with `door(...)`. A door's `path` builds the URL for a
target: "own" (in the jurisdiction of every scoped test user: Khánh Hòa / phường Phan Rang) or
"foreign" (Hà Nội, outside all of them). Expected answers:

- anonymous: pages redirect to the login page, the API answers 401 `not_authenticated`;
- a role not in `roles`: 403 on its own jurisdiction's records, 404 on foreign ones (nothing leaks);
- own target: `ok` (200 unless said otherwise); for a list, `own_marker` appears in the body;
- foreign target: same as own for nation-wide roles; otherwise 404 for details and, for lists,
  `foreign_marker` must not appear.
"""

import dis
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from khuyencong.accounts.choices import Role

from .world import World

ALL_ROLES: frozenset[Role] = frozenset(Role)
Target = Literal["own", "foreign"]


@dataclass(frozen=True)
class Door:
    url_name: str
    path: Callable[[World, Target, Any], str]
    kind: Literal["page", "api"] = "page"
    method: Literal["get", "post", "put", "patch", "delete"] = "get"
    roles: frozenset[Role] = ALL_ROLES
    scoped: bool = True  # False: reference data, the same for everyone signed in
    is_list: bool = False
    own_marker: Callable[[World, Any], str] | None = None
    foreign_marker: Callable[[World, Any], str] | None = None
    data: Callable[[World, Any], dict] | None = None
    ok: int = 200
    per_user: bool = False  # the object belongs to the requesting user (own) or another user (foreign)
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.method}:{self.url_name}"

    @property
    def path_reads_user(self) -> bool:
        """Whether `path` looks at the requesting user (its third argument): then its target is built
        for each role; otherwise once for all roles (test_access_matrix's DoorTargets)."""
        return self.per_user or _reads_argument(self.path, 2)


def _reads_argument(function: Callable, position: int) -> bool:
    code = function.__code__  # type: ignore[attr-defined]
    name = code.co_varnames[position]
    if name in code.co_cellvars:  # read by a nested function
        return True
    for instruction in dis.get_instructions(code):
        if instruction.opname.startswith("LOAD_FAST"):
            loaded = instruction.argval if isinstance(instruction.argval, tuple) else (instruction.argval,)
            if name in loaded:
                return True
    return False


DOORS: list[Door] = []

# URL names that are deliberately outside the harness, with the reason.
EXEMPT: dict[str, str] = {
    "login": "the login page is public by design (tested in accounts/tests/test_login.py)",
    "logout": "POST-only sign-out, tested in accounts/tests/test_login.py",
    "password_change": "acts on the signed-in user only, tested in accounts/tests/test_login.py",
    "password_change_done": "static confirmation page",
    "set_language": "public language switch, tested in ui/tests/test_pages.py",
    "api:openapi-json": "public API description, tested in api/tests/test_api.py",
    "api:openapi-view": "public API documentation page, tested in api/tests/test_api.py",
    "api:api-root": "ninja's index route, answers 404",
}


def door(url_name: str, path: Callable[[World, Target, Any], str], **options: Any) -> Door:
    item = Door(url_name=url_name, path=path, **options)
    if any(d.id == item.id for d in DOORS):
        raise ValueError(f"door {item.id} registered twice")
    DOORS.append(item)
    return item


def load_all() -> list[Door]:
    """Import every app's tests/doors*.py (pages in doors.py, the API in doors_api.py) so that the
    registry is complete."""
    import importlib
    import pkgutil
    from pathlib import Path

    import khuyencong

    for module in pkgutil.iter_modules(khuyencong.__path__):
        tests = Path(khuyencong.__path__[0]) / module.name / "tests"
        for path in sorted(tests.glob("doors*.py")):
            importlib.import_module(f"khuyencong.{module.name}.tests.{path.stem}")
    return DOORS
