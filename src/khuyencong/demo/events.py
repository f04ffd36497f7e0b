"""Demonstration events, centred on Khánh Hòa like the other demos: a dozen fairs over 2024–2026 with
the booths demo establishments took, Khánh Hòa's provincial typical-product selection of 2025 with
scored entries and certificates, a few artisan titles, trainings and workshops. Events are linked to
demo projects of a matching activity under way at the time when there are any, so their deliverables
are counted from here. Written through the services; deterministic and idempotent (an event that
exists by name is left alone). Provinces missing from the database are skipped."""

import datetime as dt
import random

from django.db import transaction

from khuyencong.accounts.models import Agency, User
from khuyencong.core.reference import LoadReport
from khuyencong.establishments.models import Establishment
from khuyencong.events import services
from khuyencong.events.choices import (
    FairLevel,
    ProductGroup,
    SelectionLevel,
    TitleKind,
    TitleLevel,
    TrainingKind,
)
from khuyencong.events.models import ArtisanTitle, Fair, ProductSelection, Training
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import unit_on
from khuyencong.projects.models import Project
from khuyencong.projects.services import ACHIEVABLE_STATES

PROVINCE = "56"  # Khánh Hòa
BOOTH_COST = 12_000_000  # đồng per standard booth: supported in full at programme fairs, 80% elsewhere

# name, level, province code, venue, start, days, booths, programme fair
FAIRS = [
    (
        "Hội chợ Công Thương khu vực miền Trung – Tây Nguyên 2024",
        FairLevel.REGION,
        "56",
        "Quảng trường 2/4, Nha Trang",
        dt.date(2024, 7, 18),
        5,
        300,
        True,
    ),
    (
        "Hội chợ hàng công nghiệp nông thôn tiêu biểu tỉnh Ninh Thuận 2024",
        FairLevel.PROVINCE,
        "58",
        "Quảng trường 16/4, Phan Rang – Tháp Chàm",
        dt.date(2024, 10, 5),
        5,
        150,
        False,
    ),
    (
        "Hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực phía Bắc 2024",
        FairLevel.REGION,
        "01",
        "Cung Văn hóa Hữu nghị Việt Xô, Hà Nội",
        dt.date(2024, 11, 20),
        5,
        350,
        True,
    ),
    (
        "Hội chợ Công Thương Khánh Hòa 2024",
        FairLevel.PROVINCE,
        "56",
        "Công viên Yersin, Nha Trang",
        dt.date(2024, 12, 12),
        6,
        200,
        False,
    ),
    (
        "Hội chợ Thương mại quốc tế Việt Nam 2025",
        FairLevel.INTERNATIONAL,
        "01",
        "Trung tâm Triển lãm Giảng Võ, Hà Nội",
        dt.date(2025, 4, 9),
        4,
        500,
        False,
    ),
    (
        "Hội chợ sản phẩm công nghiệp nông thôn Đà Nẵng 2025",
        FairLevel.PROVINCE,
        "48",
        "Công viên Biển Đông, Đà Nẵng",
        dt.date(2025, 8, 20),
        5,
        180,
        False,
    ),
    (
        "Hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực miền Trung – Tây Nguyên 2025",
        FairLevel.REGION,
        "56",
        "Quảng trường 16/4, Phan Rang",
        dt.date(2025, 9, 17),
        5,
        280,
        True,
    ),
    (
        "Hội chợ Công Thương Khánh Hòa 2025",
        FairLevel.PROVINCE,
        "56",
        "Quảng trường 2/4, Nha Trang",
        dt.date(2025, 10, 8),
        6,
        220,
        False,
    ),
    (
        "Phiên chợ hàng Việt về phường Phan Rang 2025",
        FairLevel.COMMUNE,
        "56",
        "Chợ Phan Rang",
        dt.date(2025, 12, 5),
        3,
        60,
        False,
    ),
    (
        "Hội chợ Xuân Khánh Hòa 2026",
        FairLevel.PROVINCE,
        "56",
        "Công viên Yersin, Nha Trang",
        dt.date(2026, 1, 20),
        8,
        160,
        False,
    ),
    (
        "Hội chợ Công Thương khu vực miền Trung – Tây Nguyên 2026",
        FairLevel.REGION,
        "48",
        "Trung tâm Hội chợ Triển lãm Đà Nẵng",
        dt.date(2026, 6, 24),
        5,
        320,
        True,
    ),
    (
        "Hội chợ Công Thương Khánh Hòa 2026",
        FairLevel.PROVINCE,
        "56",
        "Quảng trường 2/4, Nha Trang",
        dt.date(2026, 10, 14),
        6,
        240,
        False,
    ),
]

JURORS = ["Ông Nguyễn Văn Hùng", "Bà Trần Thị Mai", "Ông Lê Quốc Bảo"]
GROUPS = {"10": ProductGroup.FOOD, "11": ProductGroup.FOOD, "13": ProductGroup.HANDICRAFT,
          "16": ProductGroup.HANDICRAFT, "23": ProductGroup.HANDICRAFT, "32": ProductGroup.HANDICRAFT,
          "25": ProductGroup.MACHINERY, "28": ProductGroup.MACHINERY}  # fmt: skip

TITLES = [
    ("Đàng Thị Phan", 1958, TitleKind.ARTISAN, TitleLevel.NATIONAL, 2024, "gốm Bàu Trúc", "1258/QĐ-BCT"),
    (
        "Thuận Văn Thành",
        1966,
        TitleKind.ARTISAN,
        TitleLevel.PROVINCE,
        2025,
        "dệt thổ cẩm Mỹ Nghiệp",
        "87/QĐ-UBND",
    ),
    (
        "Nguyễn Thị Lệ",
        1979,
        TitleKind.MASTER_CRAFTSMAN,
        TitleLevel.PROVINCE,
        2025,
        "bánh tráng",
        "87/QĐ-UBND",
    ),
    ("Trần Văn Sáu", 1961, TitleKind.CRAFT_BRINGER, TitleLevel.PROVINCE, 2026, "mây tre đan", "112/QĐ-UBND"),
]

# kind, title, start, days, participants (typed), listed participants
TRAININGS = [
    (TrainingKind.WORKSHOP, "Hội thảo nâng cao năng lực quản lý cho cơ sở công nghiệp nông thôn 2024",
     dt.date(2024, 8, 22), 1, 85, []),
    (TrainingKind.TRAINING, "Lớp đào tạo nghề dệt thổ cẩm cho lao động nông thôn",
     dt.date(2025, 5, 12), 45, 35, []),
    (TrainingKind.WORKSHOP, "Hội thảo chuyển đổi số cho cơ sở công nghiệp nông thôn",
     dt.date(2025, 11, 6), 1, 120, []),
    (TrainingKind.TRAINING, "Lớp truyền nghề gốm Bàu Trúc",
     dt.date(2026, 3, 16), 30, 0,
     ["Đàng Thị Hoa", "Đàng Văn Tài", "Phú Thị Lan", "Quảng Thị Mỹ", "Thành Văn Lực"]),
    (TrainingKind.WORKSHOP, "Hội thảo phổ biến Nghị định 235/2025/NĐ-CP về khuyến công",
     dt.date(2026, 5, 14), 1, 95, []),
]  # fmt: skip


def _province(code: str, on: dt.date) -> AdministrativeUnit | None:
    try:
        return unit_on(code, on, level="province")
    except AdministrativeUnit.DoesNotExist:
        return None


def _establishments(code: str) -> list[Establishment]:
    return list(
        Establishment.objects.filter(
            commune__current_province__code=code,
            commune__current_province__valid_to__isnull=True,
            merged_into__isnull=True,
        ).order_by("pk")
    )


def _agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


def _project(activities: list[str], province: AdministrativeUnit | None, on: dt.date) -> Project | None:
    """A demo project of one of `activities` under way on `on` in `province` (none is fine)."""
    if province is None:
        return None
    current = province.current_province or province
    return (
        Project.objects.filter(
            plan_line__activity__code__in=activities,
            state__in=ACHIEVABLE_STATES,
            start_date__lte=on,
            end_date__gte=on,
            location__current_province=current,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def demo_seed(*, report: LoadReport) -> None:
    actor = User.objects.filter(username="quantri").first()
    if actor is None:
        return
    _fairs(actor, report)
    _selection(actor, report)
    _titles(actor, report)
    _trainings(actor, report)
    services.establishment_priority_refresh(actor=actor)


def _fairs(actor, report: LoadReport) -> None:
    home = _establishments(PROVINCE)
    represented = set(
        Establishment.objects.filter(representatives__isnull=False).values_list("pk", flat=True)
    )
    for name, level, code, venue, start, days, booths, programme in FAIRS:
        if Fair.objects.filter(name=name).exists():
            continue
        location = _province(code, start)
        organiser = _agency(f"ttkc-{code}") or _agency(f"ttkc-{PROVINCE}")
        if location is None or organiser is None:
            continue
        rng = random.Random(f"fair-{name}")  # noqa: S311 — repeatable demo data
        if level == FairLevel.COMMUNE:
            commune = (
                AdministrativeUnit.objects.current()
                .filter(parent=location, name__contains="Phan Rang")
                .first()
            )
            if commune is None:
                continue
            location = commune
        fair = services.fair_create(
            actor=actor,
            name=name,
            level=level,
            place=venue,
            location=location,
            organiser=organiser,
            start_date=start,
            end_date=start + dt.timedelta(days=days - 1),
            booths_total=booths,
            programme_fair=programme,
            project=_project(["to-chuc-hoi-cho"], location, start) if code == PROVINCE else None,
        )
        report.created["fairs"] += 1
        local = _establishments(code) if code != PROVINCE else []
        pool = home + [e for e in local if e not in home]
        payer = _project(["gian-hang-hoi-cho"], _province(PROVINCE, start), start)
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(4, 8)))
        if code == PROVINCE:  # the represented establishment (ông Tư's) takes part in its province's fairs
            chosen += [e for e in home if e.pk in represented and e not in chosen]
        for establishment in chosen:
            taken = rng.choice([1, 1, 1, 2, 2, 3])
            share = 100 if programme else 80
            home_paid = establishment in home and payer is not None and rng.random() < 0.7
            services.participation_add(
                actor=actor,
                fair=fair,
                establishment=establishment,
                booths=taken,
                support_amount=taken * BOOTH_COST * share // 100 if establishment in home else 0,
                project=payer if home_paid else None,
            )
            report.created["fair participations"] += 1


def _selection(actor, report: LoadReport) -> None:
    year = 2025
    province = _province(PROVINCE, dt.date(year, 11, 1))
    organiser = _agency(f"sct-{PROVINCE}") or _agency(f"ttkc-{PROVINCE}")
    name = "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh Khánh Hòa năm 2025"
    if province is None or organiser is None or ProductSelection.objects.filter(name=name).exists():
        return
    decided = dt.date(year, 11, 14)
    selection = services.selection_create(
        actor=actor,
        level=SelectionLevel.PROVINCE,
        year=year,
        name=name,
        unit=province,
        organiser=organiser,
        decision_number="2468/QĐ-UBND",
        decision_date=decided,
        project=_project(["binh-chon-san-pham"], province, decided),
    )
    report.created["typical-product selections"] += 1
    rng = random.Random("selection-56-2025")  # noqa: S311 — repeatable demo data
    number = 0
    for establishment in _establishments(PROVINCE)[:9]:
        product = (establishment.main_products or establishment.name).split(",")[0].strip()[:300]
        industry = establishment.industry.code[:2] if establishment.industry_id else ""
        entry = services.entry_add(
            actor=actor,
            selection=selection,
            establishment=establishment,
            product_name=product[:1].upper() + product[1:],
            product_group=GROUPS.get(industry, ProductGroup.OTHER),
        )
        base = rng.uniform(58, 90)
        for juror in JURORS:
            score = round(min(100, max(0, base + rng.uniform(-6, 6))), 1)
            entry = services.entry_score(actor=actor, entry=entry, juror=juror, score=str(score))
        if entry.total_score is not None and entry.total_score >= selection.pass_score:
            number += 1
            services.entry_certify(
                actor=actor,
                entry=entry,
                certificate_number=f"{number:02d}/GCN-SCT",
                valid_from=decided,
            )
        else:
            services.entry_reject(actor=actor, entry=entry, note="Chưa đạt điểm tối thiểu")
        report.created["selection entries"] += 1


def _titles(actor, report: LoadReport) -> None:
    home = _establishments(PROVINCE)
    for i, (person, born, kind, level, year, craft, decision) in enumerate(TITLES):
        unit = _province(PROVINCE, dt.date(year, 12, 31))
        if unit is None or ArtisanTitle.objects.filter(person_name=person).exists():
            continue
        services.title_create(
            actor=actor,
            person_name=person,
            birth_year=born,
            kind=kind,
            level=level,
            year=year,
            craft=craft,
            decision_number=decision,
            decision_date=dt.date(year, 9, 2 + i),
            unit=unit,
            establishment=home[i] if i < len(home) and i % 2 else None,
            project=_project(["danh-hieu-nghe-nhan"], unit, dt.date(year, 9, 2 + i)),
        )
        report.created["artisan titles"] += 1


def _trainings(actor, report: LoadReport) -> None:
    organiser = _agency(f"ttkc-{PROVINCE}")
    home = _establishments(PROVINCE)
    for kind, title, start, days, count, listed in TRAININGS:
        location = _province(PROVINCE, start)
        if location is None or organiser is None or Training.objects.filter(title=title).exists():
            continue
        activities = ["dao-tao-nghe"] if kind == TrainingKind.TRAINING else ["hoi-thao"]
        training = services.training_create(
            actor=actor,
            kind=kind,
            title=title,
            start_date=start,
            end_date=start + dt.timedelta(days=days - 1),
            location=location,
            organiser=organiser,
            participants_count=count,
            project=_project(activities, location, start),
        )
        for i, person in enumerate(listed):
            services.trainee_add(
                actor=actor, training=training, name=person, establishment=home[i] if i < len(home) else None
            )
        report.created["trainings"] += 1
