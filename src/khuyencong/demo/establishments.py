"""Demonstration establishments: about ten per current province, in real communes, with Vietnamese
names built from the crafts of rural industry. Deterministic (seeded per province) and idempotent."""

import random

from django.db import transaction

from khuyencong.accounts.models import User
from khuyencong.core.reference import LoadReport
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.identity import tax_check_digit
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.services import establishment_create
from khuyencong.geo.models import AdministrativeUnit

PER_PROVINCE = 10

# (product words, VSIC division)
CRAFTS = [
    ("bánh tráng", "10"),
    ("bánh phồng tôm", "10"),
    ("nước mắm", "10"),
    ("chế biến hạt điều", "10"),
    ("chè búp khô", "10"),
    ("cà phê rang xay", "10"),
    ("gạo sạch", "10"),
    ("rượu cần", "11"),
    ("dệt thổ cẩm", "13"),
    ("may mặc xuất khẩu", "14"),
    ("thuộc da", "15"),
    ("mây tre đan", "16"),
    ("chiếu cói", "16"),
    ("đồ gỗ mỹ nghệ", "16"),
    ("giấy dó", "17"),
    ("gốm sứ", "23"),
    ("gạch ngói nung", "23"),
    ("đá mỹ nghệ", "23"),
    ("rèn nông cụ", "25"),
    ("cơ khí nhỏ", "28"),
    ("đóng tàu thuyền", "30"),
    ("nội thất gỗ", "31"),
    ("sơn mài", "32"),
    ("nhang trầm", "32"),
]
OWNERS = [
    "Tư Hương",
    "Ba Lành",
    "Hai Phúc",
    "Minh Tâm",
    "Thanh Bình",
    "Hồng Nhung",
    "Phước Lộc",
    "Kim Ngân",
    "Đức Thịnh",
    "An Khang",
    "Tân Phát",
    "Hòa Bình",
    "Quang Vinh",
    "Thiên Phú",
    "Bảo Ngọc",
    "Trường Sơn",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn Tư", "Thị Hương", "Văn Lành", "Thị Nhung", "Minh Tâm", "Quốc Bảo", "Thị Ngân", "Đức Thịnh"]


def _tax_code(rng: random.Random) -> str:
    while True:
        first = f"{rng.randint(1, 99):02d}{rng.randint(0, 9999999):07d}"
        digit = tax_check_digit(first)
        if digit is not None:
            return f"{first}{digit}"


def _name(form: str, craft: str, owner: str, place: str) -> str:
    return {
        LegalForm.ENTERPRISE: f"Công ty TNHH {craft.capitalize()} {owner}",
        LegalForm.COOPERATIVE: f"Hợp tác xã {craft} {place}",
        LegalForm.COOPERATIVE_GROUP: f"Tổ hợp tác {craft} {place}",
        LegalForm.HOUSEHOLD_BUSINESS: f"Cơ sở {craft} {owner}",
        LegalForm.CRAFT_VILLAGE: f"Làng nghề {craft} {place}",
    }[form]


@transaction.atomic
def demo_seed(*, report: LoadReport) -> None:
    actor = User.objects.filter(username="quantri").first()
    if actor is None:
        return
    industries = {i.code: i for i in Industry.objects.all()}
    forms = (
        [LegalForm.HOUSEHOLD_BUSINESS] * 5
        + [LegalForm.ENTERPRISE] * 3
        + [LegalForm.COOPERATIVE] * 2
        + [
            LegalForm.COOPERATIVE_GROUP,
            LegalForm.CRAFT_VILLAGE,
        ]
    )
    for province in AdministrativeUnit.objects.current().provinces().order_by("code"):
        existing = Establishment.objects.filter(commune__current_province=province).count()
        if existing >= PER_PROVINCE:
            continue
        rng = random.Random(f"khuyencong-demo-{province.code}")  # noqa: S311 — repeatable demo data, not secrets
        communes = list(AdministrativeUnit.objects.current().filter(parent=province).order_by("code"))
        if not communes:
            continue
        for _ in range(PER_PROVINCE - existing):
            commune = rng.choice(communes)
            craft, division = rng.choice(CRAFTS)
            form = rng.choice(forms)
            place = commune.name.split(" ", 1)[1] if " " in commune.name else commune.name
            workers = rng.choice([3, 5, 8, 12, 18, 25, 40, 60, 85])
            establishment_create(
                actor=actor,
                confirm_duplicate=True,
                legal_form=form,
                name=_name(form, craft, rng.choice(OWNERS), place),
                tax_code=_tax_code(rng) if form in (LegalForm.ENTERPRISE, LegalForm.COOPERATIVE) else "",
                household_registration_no=f"{province.code}.{rng.randint(10000, 99999)}"
                if form == LegalForm.HOUSEHOLD_BUSINESS
                else "",
                address=f"Thôn {rng.randint(1, 9)}, {commune.name}",
                commune=commune,
                main_products=craft.capitalize(),
                industry=industries.get(division),
                workers=workers,
                founded_year=rng.randint(1990, 2023),
                representative=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                phone=f"09{rng.randint(10000000, 99999999)}",
                women_owned=rng.random() < 0.3,
                exporter=rng.random() < 0.15,
                fifty_plus_workers=workers >= 50,
                local_inputs=rng.random() < 0.6,
                difficult_area=rng.random() < 0.2,
            )
            report.created["establishments"] += 1


@transaction.atomic
def demo_link_representative(*, report: LoadReport) -> None:
    """Ông Tư represents the establishment of his commune that carries out the most projects (so that
    his home, establishment and project pages are not empty). Idempotent."""
    from django.db.models import Count

    from khuyencong.establishments.models import Representative

    user = User.objects.filter(username="ong.tu").select_related("agency__jurisdiction_unit").first()
    if user is None or Representative.objects.filter(user=user).exists() or user.agency is None:
        return
    establishment = (
        Establishment.objects.filter(commune=user.agency.jurisdiction_unit, merged_into__isnull=True)
        .annotate(n=Count("projects_implemented"))
        .order_by("-n", "pk")
        .first()
    )
    if establishment is None:  # none registered in his commune yet: his own household business
        actor = User.objects.filter(username="quantri").first()
        commune = user.agency.jurisdiction_unit
        establishment = establishment_create(
            actor=actor,
            confirm_duplicate=True,
            legal_form=LegalForm.HOUSEHOLD_BUSINESS,
            name=f"Cơ sở bánh tráng {user.full_name}",
            address=f"Thôn 2, {commune.name}",
            commune=commune,
            main_products="Bánh tráng",
            industry=Industry.objects.filter(code="10").first(),
            representative=user.full_name,
            workers=6,
        )
    Representative.objects.create(user=user, establishment=establishment)
    report.created["establishment representatives"] += 1
