"""A small real country for tests: three current provinces loaded from the reference packages with
the legacy units that roll up into them, the reference agencies, and one user per role.

- Khánh Hòa (56) — "own": took in Ninh Thuận (58) on 1/7/2025. Province users work here; the commune
  users work in phường Phan Rang (formed from legacy Ninh Thuận communes).
- Đà Nẵng (48) — took in Quảng Nam (49); same region (mttn) as Khánh Hòa, another province.
- Hà Nội (01) — "foreign" to every scoped user, including the mttn region viewer.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction

from khuyencong.accounts.choices import AgencyKind, JurisdictionKind, Role
from khuyencong.accounts.models import Agency, User
from khuyencong.accounts.services import user_create
from khuyencong.geo.models import AdministrativeUnit, Region

PROVINCES = ("56", "48", "01")
PASSWORD = "mat-khau-kiem-thu-2026"

# role -> agency code of the test user holding it; NATION_ROLES see everything.
ROLE_AGENCY = {
    Role.MINISTRY_OFFICER: "bct-cuc-kc",
    Role.REGION_VIEWER: "kctv-mttn",
    Role.PROVINCE_OFFICER: "ttkc-56",
    Role.PROVINCE_APPROVER: "sct-56",
    Role.COMMUNE_OFFICER: "ubnd-phan-rang",
    Role.ESTABLISHMENT_REP: "ubnd-phan-rang",
    Role.AUDITOR: "sct-56",
    Role.SYSTEM_ADMIN: "bct-cuc-kc",
}
NATION_ROLES = frozenset({Role.MINISTRY_OFFICER, Role.SYSTEM_ADMIN})


def _current(code: str, level: str = "province") -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to__isnull=True)


def build() -> None:
    call_command("load_reference", province=list(PROVINCES), verbosity=0)  # every app's reference data
    khanh_hoa = _current("56")
    phan_rang = (
        AdministrativeUnit.objects.current().filter(parent=khanh_hoa, name__contains="Phan Rang").first()
    )
    ministry = Agency.objects.get(code="bct-cuc-kc")
    Agency.objects.get_or_create(
        code="kctv-mttn",
        defaults={
            "name": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp II",
            "kind": AgencyKind.REGIONAL_CENTRE,
            "jurisdiction_kind": JurisdictionKind.REGION,
            "jurisdiction_region": Region.objects.get(code="mttn"),
            "parent": ministry,
        },
    )
    Agency.objects.get_or_create(
        code="ubnd-phan-rang",
        defaults={
            "name": "Ủy ban nhân dân phường Phan Rang",
            "kind": AgencyKind.COMMUNE_COMMITTEE,
            "jurisdiction_kind": JurisdictionKind.UNIT,
            "jurisdiction_unit": phan_rang,
        },
    )
    for role, agency_code in ROLE_AGENCY.items():
        if not User.objects.filter(username=f"test.{role.value}").exists():
            user_create(
                actor=None,
                username=f"test.{role.value}",
                password=PASSWORD,
                agency=Agency.objects.get(code=agency_code),
                roles=[role],
                full_name=f"Test {role.label}",
            )


def ensure() -> None:
    """Build the world unless it is there (a transactional test flushes the database): from the copy
    `save()` kept, which is much faster than building it again."""
    if not User.objects.filter(username=f"test.{Role.SYSTEM_ADMIN.value}").exists():
        if _saved:
            restore()
        else:
            build()


# Every row of the world as built, model by model (the session's setup keeps it: `save()`).
_saved: list[tuple[type[models.Model], list[models.Model]]] = []


def _tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def save() -> None:
    """Keep a copy of every row the world holds now, to restore after a flush."""
    saved = []
    for model in _tables():
        if model._meta.parents:
            raise TypeError(f"{model._meta.label}: multi-table inheritance cannot be saved row by row")
        rows = list(model._base_manager.order_by("pk"))
        if rows:
            saved.append((model, rows))
    _saved[:] = saved


@transaction.atomic
def restore() -> None:
    """Put the saved rows back with their ids (the flush's post_migrate recreated content types and
    permissions under new ids: they are replaced). Foreign keys are checked at commit."""
    with connection.cursor() as cursor:
        for model, _rows in _saved:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    for model, rows in _saved:
        model._base_manager.bulk_create(rows, batch_size=500)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _rows in _saved]):
            cursor.execute(sql)


@dataclass
class World:
    """Handles to the objects tests use, looked up by meaning rather than by id."""

    @property
    def khanh_hoa(self) -> AdministrativeUnit:
        return _current("56")

    @property
    def da_nang(self) -> AdministrativeUnit:
        return _current("48")

    @property
    def ha_noi(self) -> AdministrativeUnit:
        return _current("01")

    @property
    def ninh_thuan(self) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(level="province", code="58", valid_to__isnull=False)

    @property
    def quang_nam(self) -> AdministrativeUnit:
        return AdministrativeUnit.objects.get(level="province", code="49", valid_to__isnull=False)

    @property
    def phan_rang(self) -> AdministrativeUnit:
        return Agency.objects.get(code="ubnd-phan-rang").jurisdiction_unit

    @property
    def phan_rang_predecessor(self) -> AdministrativeUnit:
        """A legacy Ninh Thuận commune whose main successor is phường Phan Rang."""
        return AdministrativeUnit.objects.filter(successor=self.phan_rang, valid_to__isnull=False).order_by(
            "code"
        )[0]

    @property
    def ha_noi_commune(self) -> AdministrativeUnit:
        return AdministrativeUnit.objects.current().filter(parent=self.ha_noi).order_by("code")[0]

    @property
    def da_nang_commune(self) -> AdministrativeUnit:
        return AdministrativeUnit.objects.current().filter(parent=self.da_nang).order_by("code")[0]

    def user(self, role: Role) -> User:
        return User.objects.get(username=f"test.{role.value}")

    def agency(self, code: str) -> Agency:
        return Agency.objects.get(code=code)
