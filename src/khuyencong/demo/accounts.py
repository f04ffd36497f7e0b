"""Demonstration agencies and one user per role, for `make run`. Idempotent.

The demo centres on Khánh Hòa (which took in Ninh Thuận in 2025) so that a province officer sees
both today's units and the legacy ones that roll up into them.
"""

from django.db import transaction

from khuyencong.accounts.choices import AgencyKind, JurisdictionKind, Role
from khuyencong.accounts.models import Agency, AgencyName, User
from khuyencong.accounts.services import user_create
from khuyencong.core.reference import LoadReport
from khuyencong.geo.models import AdministrativeUnit, Region

DEMO_PASSWORD = "khuyencong-demo"  # noqa: S105 — printed for the demo; never used outside `make run`
DEMO_PROVINCE = "56"  # Khánh Hòa


def _demo_commune(province: AdministrativeUnit) -> AdministrativeUnit:
    communes = AdministrativeUnit.objects.current().filter(parent=province).order_by("code")
    return communes.filter(name__icontains="Phan Rang").first() or communes.first()


DEMO_USERS = [
    # username, full name, role, agency code
    ("chi.ha", "Nguyễn Thu Hà", Role.MINISTRY_OFFICER, "bct-cuc-kc"),
    ("anh.quang", "Lê Văn Quang", Role.REGION_VIEWER, "kctv-mttn"),
    ("chi.lan", "Trần Thị Lan", Role.PROVINCE_OFFICER, f"ttkc-{DEMO_PROVINCE}"),
    ("anh.minh", "Phạm Đức Minh", Role.PROVINCE_APPROVER, f"sct-{DEMO_PROVINCE}"),
    ("chi.hoa", "Võ Thị Hoa", Role.COMMUNE_OFFICER, "ubnd-demo-commune"),
    ("ong.tu", "Huỳnh Văn Tư", Role.ESTABLISHMENT_REP, "ubnd-demo-commune"),
    ("ba.kiem", "Đặng Thị Kiểm", Role.AUDITOR, f"sct-{DEMO_PROVINCE}"),
    ("quantri", "Quản trị hệ thống", Role.SYSTEM_ADMIN, "bct-cuc-kc"),
]


@transaction.atomic
def demo_seed(*, report: LoadReport) -> None:
    province = AdministrativeUnit.objects.current().provinces().filter(code=DEMO_PROVINCE).first()
    ministry = Agency.objects.filter(code="bct-cuc-kc").first()
    if province is None or ministry is None:
        raise RuntimeError("Load the reference data first: khuyencong load_reference")
    commune = _demo_commune(province)
    extra = [
        {
            "code": "kctv-mttn",
            "name": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp II",
            "kind": AgencyKind.REGIONAL_CENTRE,
            "jurisdiction_kind": JurisdictionKind.REGION,
            "jurisdiction_region": Region.objects.get(code="mttn"),
            "parent": ministry,
        },
        {
            "code": "ubnd-demo-commune",
            "name": f"Ủy ban nhân dân {commune.name[:1].lower()}{commune.name[1:]}",
            "kind": AgencyKind.COMMUNE_COMMITTEE,
            "jurisdiction_kind": JurisdictionKind.UNIT,
            "jurisdiction_unit": commune,
        },
    ]
    for fields in extra:
        code = fields.pop("code")
        agency, created = Agency.objects.get_or_create(code=code, defaults=fields)
        if created:
            AgencyName.objects.create(agency=agency, name=agency.name)
            report.created["agencies"] += 1
    for username, full_name, role, agency_code in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            agency=Agency.objects.get(code=agency_code),
            roles=[role],
            full_name=full_name,
        )
        report.created["users"] += 1
