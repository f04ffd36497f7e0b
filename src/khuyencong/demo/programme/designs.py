"""Designs by activity: the fields, participants, deliverables and party B of a demo project."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from khuyencong.catalog.choices import NormCondition
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import Plan
from khuyencong.projects.choices import (
    ImplementerKind,
    ProjectKind,
)

from .data import (
    COMMUNE,
    CRAFTS,
    FAIRS,
    GENERIC_CRAFT,
    MILLION,
    TRAINING_CRAFTS,
    TRAINING_OF,
    WORKSHOPS,
    Place,
    _round_down,
    _round_up,
    _short,
)

if TYPE_CHECKING:
    from .seeder import _Seeder

# --- designs by activity: (fields, participants, deliverables, party B) --------------------------

Design = tuple[dict[str, Any], list[dict[str, Any]], list[tuple[str, int]], str]


def _craft(est: Establishment) -> tuple[str, list[tuple[str, str]]]:
    return CRAFTS.get((est.main_products or "").lower(), GENERIC_CRAFT)


def _pick_establishments(place: Place, rng: random.Random, year: int, n: int, machinery: bool):
    pool = list(place.establishments)
    rng.shuffle(pool)
    if machinery:
        # not twice in a year, and rarely again within the repeat window (the support page flags it)
        pool.sort(
            key=lambda e: (
                place.machinery_years.get(e.pk, 0) >= year,
                place.machinery_years.get(e.pk, 0) > year - 3,
            )
        )
    chosen = pool[:n]
    if machinery:
        for e in chosen:
            place.machinery_years[e.pk] = year
    return chosen


def _within(parts: list[dict[str, Any]], budget: int) -> list[dict[str, Any]]:
    """The first participants whose support fits in the budget."""
    out, total = [], 0
    for part in parts:
        if total + part["support_amount"] > budget:
            break
        out.append(part)
        total += part["support_amount"]
    return out


def _base(place: Place, kind: str, title: str, location: AdministrativeUnit, **more: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "location": location,
        "counterpart_amount": 0,
        "other_amount": 0,
        "units_count": 1,
        "norm_condition": "",
        "machine_name": "",
        "machine_spec": "",
        "implementer_establishment": None,
        "implementer_agency": None,
        "implementer_name": "",
    }
    fields.update(more)
    return fields


def _point(est: Establishment, **more: Any) -> dict[str, Any]:
    return {"implementer_kind": ImplementerKind.ESTABLISHMENT, "implementer_establishment": est, **more}


def _by_centre(place: Place) -> dict[str, Any]:
    return {"implementer_kind": ImplementerKind.AGENCY, "implementer_agency": place.centre}


def _by_provider(name: str) -> dict[str, Any]:
    return {"implementer_kind": ImplementerKind.PROVIDER, "implementer_name": name}


def _machinery(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 80 * MILLION or not place.establishments:
        return None
    if budget >= 450 * MILLION and rng.random() < 0.35 and len(place.establishments) >= 3:
        n = min(rng.randint(3, 4), budget // (80 * MILLION))
        ests = _pick_establishments(place, rng, plan.year, n, machinery=True)
        parts, total_cost = [], 0
        left = budget
        for est in ests:
            process, machines = _craft(est)
            machine, spec = rng.choice(machines)
            support = min(
                _round_down(rng.uniform(80, 200) * MILLION, 500_000), left // max(len(ests) - len(parts), 1)
            )
            support = _round_down(support, 500_000)
            cost = _round_up(support / rng.uniform(0.35, 0.5), MILLION)
            left -= support
            total_cost += cost
            parts.append(
                {
                    "establishment": est,
                    "support_amount": support,
                    "eligible_cost": cost,
                    "machine_name": machine,
                    "machine_spec": spec,
                    "note": f"Ứng dụng {machine} vào {process}",
                }
            )
        support = sum(p["support_amount"] for p in parts)
        fields = _base(
            place,
            ProjectKind.GROUP,
            f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến cho {n} cơ sở công nghiệp nông thôn {place.lower} "
            f"năm {plan.year}",
            place.province,
            support_amount=support,
            counterpart_amount=total_cost - support,
            units_count=n,
            **_by_centre(place),
        )
        return (
            fields,
            parts,
            [("co-so-may-moc", n)],
            f"{n} cơ sở công nghiệp nông thôn (theo danh sách kèm theo)",
        )
    est = _pick_establishments(place, rng, plan.year, 1, machinery=True)[0]
    process, machines = _craft(est)
    machine, spec = rng.choice(machines)
    support = _round_down(min(rng.uniform(90, 200) * MILLION, budget), 500_000)
    cost = _round_up(support / rng.uniform(0.3, 0.5), MILLION)
    fields = _base(
        place,
        ProjectKind.POINT,
        f"Hỗ trợ ứng dụng {machine} vào {process} tại {est.name}",
        est.commune,
        support_amount=support,
        counterpart_amount=cost - support,
        machine_name=machine,
        machine_spec=spec,
        **_point(est),
    )
    return fields, [], [("co-so-may-moc", 1)], est.name


def _model(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 250 * MILLION or not place.establishments:
        return None
    est = _pick_establishments(place, rng, plan.year, 1, machinery=True)[0]
    process, machines = _craft(est)
    machine, spec = rng.choice(machines)
    support = _round_down(min(rng.uniform(300, 900) * MILLION, budget), MILLION)
    cost = _round_up(support / rng.uniform(0.22, 0.3), MILLION)
    fields = _base(
        place,
        ProjectKind.POINT,
        f"Xây dựng mô hình trình diễn kỹ thuật {process} sử dụng {machine} tại {est.name}",
        est.commune,
        support_amount=support,
        counterpart_amount=cost - support,
        machine_name=machine,
        machine_spec=spec,
        **_point(est),
    )
    return fields, [], [("mo-hinh-trinh-dien", 1)], est.name


def _booths(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 60 * MILLION:
        return None
    if (budget >= 250 * MILLION and rng.random() < 0.4) or len(place.establishments) < 4:
        support = _round_down(min(rng.uniform(250, 600) * MILLION, budget), MILLION)
        booths = rng.randint(80, 200)
        fields = _base(
            place,
            ProjectKind.TASK,
            f"Tổ chức Hội chợ hàng công nghiệp nông thôn tiêu biểu {place.lower} năm {plan.year}",
            place.province,
            support_amount=support,
            other_amount=_round_down(booths * rng.uniform(1.5, 3) * MILLION, MILLION),
            units_count=booths,
            norm_condition=NormCondition.PROGRAMME_FAIR,
            **_by_centre(place),
        )
        deliverables = [
            ("hoi-cho", 1),
            ("gian-hang", booths),
            ("luot-co-so-hoi-cho", booths - rng.randint(5, 20)),
        ]
        return fields, [], deliverables, f"Công ty Cổ phần Quảng cáo và Hội chợ {place.short}"
    fair, condition = rng.choice(FAIRS)
    fair = fair.format(region=place.region or "miền Trung – Tây Nguyên", short=place.short)
    n = min(rng.randint(4, 7), len(place.establishments))
    ests = _pick_establishments(place, rng, plan.year, n, machinery=False)
    parts, total_cost, booths_total = [], 0, 0
    price = rng.choice([12, 13.5, 15, 18]) * MILLION
    for est in ests:
        booths = rng.choice([1, 1, 2])
        cost = int(booths * price)
        support = cost if condition == NormCondition.PROGRAMME_FAIR else _round_down(cost * 0.8, 100_000)
        if sum(p["support_amount"] for p in parts) + support > budget:
            break
        parts.append(
            {
                "establishment": est,
                "support_amount": support,
                "eligible_cost": cost,
                "booths": booths,
                "note": f"{booths} gian hàng tiêu chuẩn",
            }
        )
        total_cost += cost
        booths_total += booths
    if len(parts) < 2:
        return None
    support = sum(p["support_amount"] for p in parts)
    fields = _base(
        place,
        ProjectKind.GROUP,
        f"Hỗ trợ {len(parts)} cơ sở công nghiệp nông thôn {place.lower} tham gia gian hàng tại {fair} "
        f"năm {plan.year}",
        place.province,
        support_amount=support,
        counterpart_amount=total_cost - support,
        units_count=booths_total,
        norm_condition=condition,
        **_by_centre(place),
    )
    return (
        fields,
        parts,
        [("gian-hang", booths_total), ("luot-co-so-hoi-cho", len(parts))],
        "Ban Tổ chức hội chợ",
    )


def _selection(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 100 * MILLION:
        return None
    support = _round_down(min(rng.uniform(120, 350) * MILLION, budget), 500_000)
    products = rng.randint(20, 60)
    fields = _base(
        place,
        ProjectKind.TASK,
        f"Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu {place.lower} năm {plan.year}",
        place.province,
        support_amount=support,
        **_by_centre(place),
    )
    return (
        fields,
        [],
        [("san-pham-tieu-bieu", products)],
        f"Hội đồng bình chọn sản phẩm CNNT tiêu biểu {place.short}",
    )


def _commune(place: Place, rng: random.Random) -> AdministrativeUnit:
    if place.establishments and rng.random() < 0.7:
        return rng.choice(place.establishments).commune
    return rng.choice(place.communes)


def _training(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 60 * MILLION:
        return None
    learners = rng.choice([25, 30, 30, 35, 35, 40])
    local = [
        TRAINING_OF[c] for e in place.establishments if (c := (e.main_products or "").lower()) in TRAINING_OF
    ]
    craft = rng.choice(local if local and rng.random() < 0.6 else TRAINING_CRAFTS)
    commune = _commune(place, rng)
    support = _round_down(min(learners * rng.uniform(2.5, 4.5) * MILLION, budget), 500_000)
    by_centre = rng.random() < 0.5
    provider = f"Trường Cao đẳng Kỹ thuật – Công nghệ {place.short}"
    fields = _base(
        place,
        ProjectKind.TASK,
        f"Đào tạo nghề {craft} cho {learners} lao động {COMMUNE}",
        commune,
        support_amount=support,
        **(_by_centre(place) if by_centre else _by_provider(provider)),
    )
    return fields, [], [("lao-dong-dao-tao-nghe", learners), ("hoc-vien", learners)], provider


def _workshop(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 30 * MILLION:
        return None
    support = _round_down(min(rng.uniform(40, 120) * MILLION, budget), 500_000)
    title = rng.choice(WORKSHOPS).format(
        place=place.lower, short=place.short, year=plan.year, next=plan.year + 1
    )
    fields = _base(
        place, ProjectKind.TASK, title, place.province, support_amount=support, **_by_centre(place)
    )
    return (
        fields,
        [],
        [("hoi-thao", 1), ("dai-bieu", rng.choice([60, 80, 100, 120, 150]))],
        f"Công ty TNHH Tổ chức sự kiện và Truyền thông {place.short}",
    )


def _broadcast(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 60 * MILLION:
        return None
    episodes = rng.choice([12, 12, 18, 24])
    support = _round_down(min(episodes * rng.uniform(8, 12) * MILLION, budget), 500_000)
    station = (
        f"Báo và Phát thanh, Truyền hình {place.short}"
        if plan.year >= 2025
        else f"Đài Phát thanh và Truyền hình {place.short}"
    )
    fields = _base(
        place,
        ProjectKind.TASK,
        f"Xây dựng {episodes} chuyên mục “Khuyến công {place.short}” phát sóng trên {station} "
        f"năm {plan.year}",
        place.province,
        support_amount=support,
        **_by_provider(station),
    )
    return fields, [], [("chuong-trinh-truyen-hinh", episodes)], station


def _brands(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 25 * MILLION or not place.establishments:
        return None
    if budget >= 90 * MILLION and len(place.establishments) >= 3 and rng.random() < 0.6:
        n = min(rng.randint(3, 5), budget // (25 * MILLION))
        ests = _pick_establishments(place, rng, plan.year, n, machinery=False)
        parts = []
        for est in ests:
            support = _round_down(rng.uniform(25, 35) * MILLION, 500_000)
            cost = _round_up(support / rng.uniform(0.4, 0.5), 500_000)
            parts.append(
                {
                    "establishment": est,
                    "support_amount": support,
                    "eligible_cost": cost,
                    "note": f"Nhãn hiệu “{est.main_products} {_short(est.commune.name).split(' ', 1)[-1]}”",
                }
            )
        parts = _within(parts, budget)
        n = len(parts)
        support = sum(p["support_amount"] for p in parts)
        fields = _base(
            place,
            ProjectKind.GROUP,
            f"Hỗ trợ xây dựng, đăng ký nhãn hiệu cho {n} cơ sở công nghiệp nông thôn {place.lower} "
            f"năm {plan.year}",
            place.province,
            support_amount=support,
            counterpart_amount=sum(p["eligible_cost"] for p in parts) - support,
            units_count=n,
            **_by_centre(place),
        )
        return fields, parts, [("nhan-hieu", n)], "Công ty TNHH Sở hữu trí tuệ Đại Việt"
    est = _pick_establishments(place, rng, plan.year, 1, machinery=False)[0]
    place_name = est.commune.name.split(" ", 1)[-1]
    support = _round_down(min(rng.uniform(25, 35) * MILLION, budget), 500_000)
    cost = _round_up(support / rng.uniform(0.4, 0.5), 500_000)
    fields = _base(
        place,
        ProjectKind.POINT,
        f"Hỗ trợ xây dựng, đăng ký nhãn hiệu “{est.main_products} {place_name}” cho {est.name}",
        est.commune,
        support_amount=support,
        counterpart_amount=cost - support,
        **_point(est),
    )
    return fields, [], [("nhan-hieu", 1)], est.name


def _cleaner(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 40 * MILLION or not place.establishments:
        return None
    consultant = "Trung tâm Sản xuất sạch hơn Việt Nam"
    if budget >= 150 * MILLION and len(place.establishments) >= 3 and rng.random() < 0.5:
        n = min(rng.randint(3, 4), budget // (40 * MILLION))
        ests = _pick_establishments(place, rng, plan.year, n, machinery=False)
        parts = []
        for est in ests:
            support = _round_down(rng.uniform(40, 60) * MILLION, 500_000)
            parts.append({"establishment": est, "support_amount": support, "eligible_cost": support})
        parts = _within(parts, budget)
        n = len(parts)
        support = sum(p["support_amount"] for p in parts)
        fields = _base(
            place,
            ProjectKind.GROUP,
            f"Tư vấn đánh giá sản xuất sạch hơn cho {n} cơ sở công nghiệp nông thôn {place.lower}",
            place.province,
            support_amount=support,
            units_count=n,
            **_by_provider(consultant),
        )
        return fields, parts, [("co-so-danh-gia-sxsh", n)], consultant
    est = _pick_establishments(place, rng, plan.year, 1, machinery=False)[0]
    support = _round_down(min(rng.uniform(40, 80) * MILLION, budget), 500_000)
    fields = _base(
        place,
        ProjectKind.POINT,
        f"Tư vấn đánh giá sản xuất sạch hơn tại {est.name}",
        est.commune,
        support_amount=support,
        counterpart_amount=_round_down(support * rng.uniform(0.1, 0.3), 500_000),
        **_point(est),
    )
    return fields, [], [("co-so-danh-gia-sxsh", 1)], consultant


def _startup(seeder: _Seeder, place: Place, plan: Plan, rng: random.Random, budget: int) -> Design | None:
    if budget < 40 * MILLION:
        return None
    learners = rng.choice([40, 50, 50, 60])
    commune = _commune(place, rng)
    support = _round_down(min(learners * rng.uniform(1.2, 2) * MILLION, budget), 500_000)
    fields = _base(
        place,
        ProjectKind.TASK,
        f"Đào tạo khởi sự doanh nghiệp cho {learners} học viên tại {COMMUNE}",
        commune,
        support_amount=support,
        **_by_centre(place),
    )
    return fields, [], [("hoc-vien", learners)], f"Viện Nghiên cứu và Phát triển doanh nghiệp {place.short}"


PER_PARTICIPANT = ("may-moc-thiet-bi", "nhan-hieu")
DESIGNERS: dict[str, Callable[..., Design | None]] = {
    "may-moc-thiet-bi": _machinery,
    "mo-hinh-trinh-dien": _model,
    "gian-hang-hoi-cho": _booths,
    "to-chuc-hoi-cho": _booths,
    "binh-chon-san-pham": _selection,
    "dao-tao-nghe": _training,
    "hoi-thao": _workshop,
    "truyen-hinh-phat-thanh": _broadcast,
    "nhan-hieu": _brands,
    "sxsh-danh-gia": _cleaner,
    "khoi-su-doanh-nghiep": _startup,
}
