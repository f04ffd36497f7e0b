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
nothing is written.
"""

import datetime as dt
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from khuyencong.accounts.models import Agency, User
from khuyencong.catalog.choices import NormCondition
from khuyencong.catalog.models import Indicator
from khuyencong.core.reference import LoadReport
from khuyencong.establishments.models import Establishment
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import Contract
from khuyencong.finance.selectors import contract_balance, project_balance
from khuyencong.finance.services import (
    advance_share,
    contract_sign,
    entry_record,
    entry_reverse,
    project_liquidate,
    project_stop,
)
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import region_of
from khuyencong.plans.choices import FundingSource, PlanStatus, RevisionStatus
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.choices import (
    AdjustmentKind,
    ImplementerKind,
    ProjectKind,
    ProjectState,
    StopDestination,
)
from khuyencong.projects.models import Adjustment, Project
from khuyencong.projects.services import (
    adjustment_approver,
    adjustment_decide,
    adjustment_request,
    deliverable_record,
    deliverable_set,
    inspection_record,
    participant_add,
    progress_report_submit,
    project_create,
    project_transition,
)
from khuyencong.projects.workflow import Who

from .accounts import DEMO_PROVINCE

log = logging.getLogger(__name__)

S = ProjectState
ORDER = [
    S.DRAFT,
    S.REGISTERED,
    S.APPRAISED,
    S.APPROVED,
    S.CONTRACTED,
    S.IN_PROGRESS,
    S.ACCEPTED,
    S.LIQUIDATED,
    S.SETTLED,
]
MILLION = 1_000_000
COMMUNE = "<xã>"  # in a title: the commune's name as it was when the project was made
# Outside Khánh Hòa a plan line gets projects with this probability (Khánh Hòa: every line).
LINE_SHARE = 0.36
# The lifecycle a project of each year is meant to reach (weights); the current year is under way.
FATES_TWO_YEARS_AGO = {S.SETTLED: 93, S.STOPPED: 7}
FATES_LAST_YEAR = {S.SETTLED: 80, S.STOPPED: 7, S.LIQUIDATED: 5, S.ACCEPTED: 4, S.IN_PROGRESS: 4}
FATES_THIS_YEAR = {
    S.DRAFT: 4,
    S.REGISTERED: 4,
    S.APPRAISED: 4,
    S.APPROVED: 7,
    S.CONTRACTED: 7,
    S.IN_PROGRESS: 34,
    S.ACCEPTED: 16,
    S.LIQUIDATED: 7,
    S.SETTLED: 10,
    S.STOPPED: 7,
}
# Days from the contract to acceptance, by activity.
DURATION = {
    "may-moc-thiet-bi": (90, 180),
    "mo-hinh-trinh-dien": (120, 210),
    "gian-hang-hoi-cho": (30, 90),
    "binh-chon-san-pham": (60, 150),
    "dao-tao-nghe": (60, 120),
    "hoi-thao": (20, 60),
    "truyen-hinh-phat-thanh": (150, 240),
    "nhan-hieu": (90, 180),
    "sxsh-danh-gia": (60, 120),
    "khoi-su-doanh-nghiep": (30, 75),
}
DEFAULT_DURATION = (60, 150)

# craft (an establishment's main products, lower case) → the work and the machines that serve it
CRAFTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "bánh tráng": (
        "sản xuất bánh tráng",
        [
            ("máy tráng bánh tráng tự động", "Năng suất 1.500 bánh/giờ, nồi hơi đốt trấu, khung inox 304"),
            (
                "hệ thống sấy bánh tráng bằng nhiệt",
                "Buồng sấy 12 xe goòng, quạt hút 2,2 kW, điều khiển nhiệt",
            ),
        ],
    ),
    "bánh phồng tôm": (
        "chế biến bánh phồng tôm",
        [
            ("máy cán và cắt bánh phồng tôm", "Năng suất 200 kg/giờ, động cơ 3 kW"),
            ("tủ sấy bánh phồng tôm kết hợp năng lượng mặt trời", "Diện tích sấy 40 m², 24 khay inox"),
        ],
    ),
    "nước mắm": (
        "chế biến nước mắm",
        [
            ("hệ thống lọc và đóng chai nước mắm", "Công suất 1.000 chai/giờ, lọc tinh 3 cấp"),
            ("hệ thống bồn chượp composite", "6 bồn, dung tích 10 m³/bồn"),
        ],
    ),
    "chế biến hạt điều": (
        "chế biến hạt điều",
        [
            ("máy tách vỏ hạt điều tự động", "Năng suất 300 kg/giờ, phân loại 3 cỡ hạt"),
            ("máy bóc vỏ lụa hạt điều bằng khí nén", "Năng suất 150 kg/giờ, máy nén khí 7,5 kW"),
        ],
    ),
    "chè búp khô": (
        "chế biến chè búp khô",
        [
            ("máy vò chè", "Năng suất 300 kg chè tươi/mẻ"),
            ("máy sao chè bằng điện", "Lồng sao Ø 800 mm, công suất 7,5 kW"),
        ],
    ),
    "cà phê rang xay": (
        "chế biến cà phê rang xay",
        [
            ("máy rang cà phê tự động", "Mẻ rang 30 kg, đầu đốt gas, điều khiển nhiệt độ"),
            ("máy xay và đóng gói cà phê", "Năng suất 100 kg/giờ, gói 250–500 g"),
        ],
    ),
    "gạo sạch": (
        "xay xát, đóng gói gạo",
        [
            ("máy xát trắng và đánh bóng gạo", "Năng suất 2 tấn/giờ"),
            ("máy đóng gói gạo hút chân không", "Gói 1–10 kg, 6 gói/phút"),
        ],
    ),
    "rượu cần": (
        "sản xuất rượu cần",
        [
            ("hệ thống nồi nấu và chưng cất rượu", "Nồi inox 200 lít, ngưng tụ bằng nước"),
            ("máy lọc khử andehit trong rượu", "Công suất 100 lít/giờ"),
        ],
    ),
    "dệt thổ cẩm": (
        "dệt thổ cẩm",
        [
            ("máy dệt thổ cẩm bán tự động", "Khổ vải 0,8 m, 8 khung go"),
            ("máy se sợi", "12 cọc se, động cơ 1,5 kW"),
        ],
    ),
    "may mặc xuất khẩu": (
        "may mặc",
        [
            ("máy may lập trình điện tử", "10 máy, tốc độ 5.000 mũi/phút"),
            ("máy cắt vải tự động", "Chiều dày xếp vải 100 mm"),
        ],
    ),
    "thuộc da": (
        "thuộc da",
        [
            ("máy bào và ép da", "Khổ làm việc 1.800 mm"),
            ("máy đánh bóng và in vân da", "Khổ 1.500 mm, gia nhiệt 150 °C"),
        ],
    ),
    "mây tre đan": (
        "sản xuất hàng mây tre đan",
        [
            ("máy chẻ và vót nan tre", "Năng suất 200 kg nan/ngày"),
            ("lò sấy, xử lý mối mọt sản phẩm mây tre", "Buồng 20 m³, sấy bằng hơi nóng"),
        ],
    ),
    "chiếu cói": (
        "dệt chiếu cói",
        [
            ("máy dệt chiếu cói", "4 máy, khổ dệt 1,6–2,0 m"),
            ("máy chẻ cói", "Năng suất 500 kg/ngày"),
        ],
    ),
    "đồ gỗ mỹ nghệ": (
        "sản xuất đồ gỗ mỹ nghệ",
        [
            ("máy chạm khắc gỗ CNC 4 đầu", "Hành trình 1.300 × 2.500 mm, trục chính 3,5 kW"),
            ("máy chà nhám thùng", "Khổ 1.000 mm"),
        ],
    ),
    "giấy dó": (
        "sản xuất giấy dó",
        [
            ("máy nghiền bột giấy dó", "Năng suất 100 kg/mẻ"),
            ("máy xeo giấy bán thủ công", "Khổ giấy 0,6 × 0,9 m"),
        ],
    ),
    "gốm sứ": (
        "sản xuất gốm sứ",
        [
            ("lò nung gốm bằng gas", "Thể tích 3 m³, nhiệt độ 1.300 °C"),
            ("máy luyện đất chân không", "Năng suất 1 tấn/giờ"),
        ],
    ),
    "gạch ngói nung": (
        "sản xuất vật liệu xây dựng",
        [
            ("máy ép gạch không nung", "Năng suất 8.000 viên/ca, lực ép 150 tấn"),
            ("máy nhào trộn và cán ép đất sét", "Năng suất 10 tấn/giờ"),
        ],
    ),
    "đá mỹ nghệ": (
        "chế tác đá mỹ nghệ",
        [
            ("máy cắt đá CNC", "Đĩa cắt Ø 600 mm, bàn xoay 360°"),
            ("máy mài đánh bóng đá", "6 đầu mài, 11 kW"),
        ],
    ),
    "rèn nông cụ": (
        "rèn nông cụ",
        [
            ("búa máy rèn", "Lực đập 150 kg"),
            ("lò tôi cao tần", "Công suất 60 kW"),
        ],
    ),
    "cơ khí nhỏ": (
        "gia công cơ khí",
        [
            ("máy tiện CNC", "Đường kính tiện 400 mm"),
            ("máy hàn MIG/MAG tự động", "3 máy, dòng hàn 350 A"),
        ],
    ),
    "đóng tàu thuyền": (
        "đóng mới, sửa chữa tàu thuyền",
        [
            ("máy uốn và cắt thép tấm", "Chiều dày cắt đến 16 mm"),
            ("hệ thống phun cát và sơn vỏ tàu", "Máy nén khí 37 kW"),
        ],
    ),
    "nội thất gỗ": (
        "sản xuất đồ nội thất gỗ",
        [
            ("máy cưa bàn trượt", "Hành trình 3.200 mm"),
            ("máy dán cạnh tự động", "Tốc độ 18 m/phút"),
        ],
    ),
    "sơn mài": (
        "sản xuất sơn mài",
        [
            ("buồng sơn và sấy sản phẩm sơn mài", "4 × 3 × 2,5 m, lọc bụi màng nước"),
            ("máy mài nhẵn sản phẩm sơn mài", "Tốc độ 1.400 vòng/phút"),
        ],
    ),
    "nhang trầm": (
        "sản xuất nhang trầm",
        [
            ("máy se nhang tự động", "Năng suất 60 kg/giờ"),
            ("máy sấy nhang", "Buồng sấy 8 xe, 9 kW"),
        ],
    ),
}
GENERIC_CRAFT = ("sản xuất", [("dây chuyền sản xuất bán tự động", "Theo báo giá được duyệt")])
# the trade taught in a vocational class, by an establishment's craft
TRAINING_OF = {
    "bánh tráng": "làm bánh tráng",
    "bánh phồng tôm": "làm bánh phồng tôm",
    "nước mắm": "chế biến nước mắm",
    "chế biến hạt điều": "chế biến hạt điều",
    "chè búp khô": "chế biến chè",
    "cà phê rang xay": "rang xay cà phê",
    "rượu cần": "nấu rượu cần",
    "dệt thổ cẩm": "dệt thổ cẩm",
    "may mặc xuất khẩu": "may công nghiệp",
    "thuộc da": "thuộc da",
    "mây tre đan": "mây tre đan",
    "chiếu cói": "dệt chiếu cói",
    "đồ gỗ mỹ nghệ": "chạm khắc gỗ mỹ nghệ",
    "giấy dó": "làm giấy dó",
    "gốm sứ": "làm gốm",
    "đá mỹ nghệ": "chế tác đá mỹ nghệ",
    "rèn nông cụ": "rèn",
    "cơ khí nhỏ": "cơ khí, hàn điện",
    "đóng tàu thuyền": "hàn vỏ tàu thuyền",
    "nội thất gỗ": "mộc dân dụng",
    "sơn mài": "sơn mài",
    "nhang trầm": "làm nhang trầm",
}
TRAINING_CRAFTS = [
    "mây tre đan",
    "dệt thổ cẩm",
    "may công nghiệp",
    "chạm khắc gỗ mỹ nghệ",
    "thêu ren",
    "làm gốm",
    "đan lát cói",
    "sơn mài",
    "chế biến hạt điều",
    "làm bánh tráng",
    "cơ khí, hàn điện",
]
WORKSHOPS = [
    "Hội thảo “Giải pháp phát triển sản phẩm công nghiệp nông thôn tiêu biểu gắn với Chương trình OCOP” "
    "tại {place} năm {year}",
    "Tập huấn nâng cao năng lực quản lý, thực hiện hoạt động khuyến công cho cán bộ cấp xã năm {year}",
    "Hội thảo “Ứng dụng chuyển đổi số trong sản xuất, kinh doanh của cơ sở công nghiệp nông thôn” "
    "tại {place} năm {year}",
    "Tập huấn sản xuất sạch hơn và sử dụng năng lượng tiết kiệm, hiệu quả cho cơ sở công nghiệp nông thôn "
    "năm {year}",
    "Hội thảo “Liên kết tiêu thụ sản phẩm thủ công mỹ nghệ {short}” năm {year}",
    "Hội nghị tổng kết công tác khuyến công năm {year} và triển khai kế hoạch năm {next}",
]
FAIRS = [
    ("Hội chợ hàng công nghiệp nông thôn tiêu biểu khu vực {region}", NormCondition.PROGRAMME_FAIR),
    ("Hội chợ Triển lãm Công nghiệp – Thương mại {short}", NormCondition.PROGRAMME_FAIR),
    ("Hội chợ Triển lãm quốc tế hàng thủ công mỹ nghệ Hà Nội", NormCondition.OTHER_FAIR),
    ("Hội chợ Xúc tiến thương mại sản phẩm OCOP và công nghiệp nông thôn", NormCondition.OTHER_FAIR),
]
REGION_PHRASE = {"mttn": "miền Trung – Tây Nguyên", "nam": "phía Nam", "bac": "phía Bắc"}
INSPECTORS = [
    "ông Nguyễn Văn Hùng, bà Lê Thị Mai",
    "bà Trần Thị Thu, ông Phạm Quốc Khánh",
    "ông Võ Minh Tuấn, bà Đặng Thị Hạnh",
    "ông Huỳnh Tấn Lộc, ông Bùi Văn Nam",
]
FINDINGS_OK = [
    "Máy móc, thiết bị đã lắp đặt, vận hành ổn định, đúng chủng loại theo hợp đồng.",
    "Đơn vị triển khai đúng tiến độ; hồ sơ, chứng từ đầy đủ.",
    "Lớp học đủ sĩ số; giáo viên, tài liệu đúng chương trình được duyệt.",
    "Nội dung thực hiện đúng đề án được phê duyệt; kinh phí sử dụng đúng mục đích.",
]
FINDINGS_FOLLOW = [
    (
        "Tiến độ chậm khoảng một tháng so với kế hoạch do nhà cung cấp giao thiết bị chậm.",
        "Đôn đốc nhà cung cấp; báo cáo tiến độ trước ngày 25 hằng tháng.",
    ),
    (
        "Chưa niêm yết công khai danh sách cơ sở được hỗ trợ tại trụ sở Ủy ban nhân dân xã.",
        "Niêm yết công khai trong 10 ngày, gửi ảnh chụp về Trung tâm.",
    ),
    (
        "Sổ theo dõi vận hành thiết bị ghi chép chưa đầy đủ.",
        "Hoàn thiện sổ theo dõi vận hành trước đợt nghiệm thu.",
    ),
]
STOP_REASONS = [
    "Cơ sở không bố trí đủ vốn đối ứng để thực hiện đề án.",
    "Cơ sở chuyển đổi ngành nghề sản xuất, đề nghị không tiếp tục thực hiện đề án.",
    "Doanh nghiệp tạm ngừng kinh doanh theo thông báo gửi cơ quan thuế.",
    "Nhà cung cấp không giao được thiết bị đúng chủng loại; cơ sở đề nghị dừng thực hiện.",
    "Thiệt hại do mưa bão, cơ sở không thể triển khai đúng thời hạn trong năm.",
]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name else name


def _short(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _of_the_time(place: "Place", text: str) -> str:
    """`text` with the province named as it was before the 2025 reform."""
    if place.legacy is None or place.legacy.name == place.province.name:
        return text
    if place.lower in text:
        return text.replace(place.lower, _lower_first(place.legacy.name))
    return text.replace(place.short, _short(place.legacy.name))


def _round_down(value: int | float, step: int) -> int:
    return int(value) // step * step


def _round_up(value: int | float, step: int) -> int:
    return -(-int(value) // step) * step


def _between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi <= lo:
        return lo
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


# --- who does what ---------------------------------------------------------------------------------


@dataclass
class Actors:
    officer: User  # routine steps: create, register, appraise, contract, pay, accept, liquidate
    department: User  # the managing department: settlement, returns, department adjustments
    local: User  # approver of KCĐP plans (province approver)
    national: User  # approver of KCQG plans (the ministry)

    def approver(self, source: str) -> User:
        return self.national if source == FundingSource.NATIONAL else self.local

    def for_who(self, who: Who, source: str) -> User:
        return self.approver(source) if who == Who.PLAN_APPROVER else self.department


@dataclass
class Place:
    province: AdministrativeUnit
    legacy: AdministrativeUnit | None  # the pre-2025 province of the same code, for older projects
    short: str
    lower: str
    region: str
    centre: Agency
    communes: list[AdministrativeUnit]
    establishments: list[Establishment]
    predecessors: dict[int, AdministrativeUnit]  # current commune id → a legacy commune it replaced
    actors: Actors
    machinery_years: dict[int, int] = field(default_factory=dict)  # establishment id → last year
    share: float = 1.0  # for an old province: its part of today's province (1 / the old provinces)


# --- what a project is meant to be ---------------------------------------------------------------


@dataclass
class Spec:
    place: Place
    plan: Plan
    line: PlanLine
    window: dt.date  # first day the line is in force
    rng: random.Random
    fields: dict[str, Any]
    participants: list[dict[str, Any]]
    deliverables: list[tuple[Indicator, int, int]]  # indicator, planned, achieved
    party_b: str
    title: str = ""  # the title, where COMMUNE stands for the name of the place at the time
    fate: str = S.SETTLED
    stop_at: str | None = None  # the state the project was in when stopped
    stop_on: dt.date | None = None
    stop_target: "Spec | None" = None
    recover: bool = False  # recover the advance after the stop
    dates: dict[str, dt.date] = field(default_factory=dict)
    extras: set[str] = field(default_factory=set)
    advance_pct: int = 50
    project: Project | None = None
    steps: list[tuple[tuple[dt.date, int], str, Callable[[], None]]] = field(default_factory=list)
    pos: int = 0

    @property
    def activity(self) -> str:
        return self.line.activity.code

    @property
    def source(self) -> str:
        return self.plan.source

    @property
    def year(self) -> int:
        return self.plan.year


# --- the entry point -------------------------------------------------------------------------------


def demo_seed(*, report: LoadReport) -> None:
    # With DEBUG on, every statement is also logged, and on SQLite quoted by one more query: a third of
    # the time of this bulk load. The demo's statements are of no use in the log.
    with override_settings(DEBUG=False):
        _seed(report)


@transaction.atomic
def _seed(report: LoadReport) -> None:
    admin = User.objects.filter(username="quantri").first()
    if admin is None:
        return
    if Project.objects.exists():
        log.info("Demo projects: %s projects exist already; left alone.", Project.objects.count())
        return
    users = {u.username: u for u in User.objects.filter(username__in=["chi.lan", "anh.minh", "chi.ha"])}
    national = users.get("chi.ha", admin)
    today = timezone.localdate()
    indicators = {i.code: i for i in Indicator.objects.all()}
    seeder = _Seeder(today=today, indicators=indicators, report=report)
    plans = (
        Plan.objects.filter(status__in=[PlanStatus.APPROVED, PlanStatus.REVISED], unit__isnull=False)
        .select_related("agency", "unit", "programme")
        .order_by("unit__code", "year", "source")
    )
    by_unit: dict[int, list[Plan]] = {}
    for plan in plans:
        by_unit.setdefault(plan.unit_id, []).append(plan)
    for plans_of in by_unit.values():
        unit = plans_of[0].unit  # today's province, or an old one (plans before the 2025 reform)
        province = unit if unit.is_current else unit.current_province
        if province is None:
            continue
        if province.code == DEMO_PROVINCE and "chi.lan" in users and "anh.minh" in users:
            actors = Actors(users["chi.lan"], users["anh.minh"], users["anh.minh"], national)
        else:
            actors = Actors(admin, admin, admin, national)
        place = _place(province, actors, today, legacy=None if unit.is_current else unit)
        if place is None:
            continue
        for plan in plans_of:
            seeder.plan(place, plan)
    log.info("Demo projects: %s", dict(seeder.states))


def _place(
    province: AdministrativeUnit, actors: Actors, today: dt.date, legacy: AdministrativeUnit | None = None
) -> Place | None:
    """Where the projects of a plan take place: today's province, or, for a plan of an old province
    (`legacy`), the part of today's province that was that province — its communes are those whose
    predecessors lay in it, and the projects before the reform sit in those predecessors."""
    old_plan = legacy is not None
    centre_code = f"ttkc-{legacy.code}-cu" if legacy is not None else f"ttkc-{province.code}"
    centre = Agency.objects.filter(code=centre_code).first()
    communes = list(AdministrativeUnit.objects.current().filter(parent=province).order_by("code"))
    if legacy is None:
        # the projects of today's plans before the reform (none in the demo) sit in the old
        # province of the same code
        legacy = (
            AdministrativeUnit.objects.legacy()
            .provinces()
            .filter(code=province.code, current_province=province)
            .first()
        )
        old_communes = AdministrativeUnit.objects.legacy().filter(level="commune", current_province=province)
    else:
        old_communes = AdministrativeUnit.objects.legacy().filter(level="commune", province=legacy)
    predecessors: dict[int, AdministrativeUnit] = {}
    for unit in old_communes.filter(successor__in=[c.pk for c in communes]).order_by("code"):
        predecessors.setdefault(unit.successor_id, unit)
    if old_plan:
        communes = [c for c in communes if c.pk in predecessors]
    if centre is None or not communes:
        return None
    establishments = list(
        Establishment.objects.filter(commune__in=communes, merged_into__isnull=True)
        .select_related("commune")
        .order_by("pk")
    )
    region = region_of(province, today.year)
    return Place(
        province=province,
        legacy=legacy,
        short=_short(province.name),
        lower=_lower_first(province.name),
        region=REGION_PHRASE.get(region.code, str(region)) if region else "",
        centre=centre,
        communes=communes,
        establishments=establishments,
        predecessors=predecessors,
        actors=actors,
        share=1 / max(1, province.rolled_up_units.filter(level="province").exclude(pk=province.pk).count())
        if old_plan
        else 1.0,
    )


# --- designing the projects of a plan --------------------------------------------------------------


class _Seeder:
    def __init__(self, *, today: dt.date, indicators: dict[str, Indicator], report: LoadReport) -> None:
        self.today = today
        self.indicators = indicators
        self.report = report
        self.states: dict[str, int] = {}
        self.numbers: dict[str, int] = {}
        self.allowed: dict[str, set[str]] = {}  # activity code → codes of its indicators

    # plan → specs → run

    def plan(self, place: Place, plan: Plan) -> None:
        rng = random.Random(f"finance-demo-{plan.unit.code}-{plan.year}-{plan.source}")  # noqa: S311
        # the demo officer's province gets every line covered; of its old provinces, the one of its code
        demo = place.province.code == DEMO_PROVINCE and plan.unit.code == DEMO_PROVINCE
        specs: list[Spec] = []
        for line, window in self._lines(plan):
            if window > self.today:
                continue
            if not demo and rng.random() > LINE_SHARE * place.share:
                continue
            use = rng.uniform(0.8, 0.95) if plan.year < self.today.year else rng.uniform(0.6, 0.85)
            budget = _round_down(line.amount * use, 500_000)
            limit = 3 if demo else rng.choice([1, 1, 2])
            for _ in range(limit):
                spec = self._design(place, plan, line, window, rng, budget)
                if spec is None:
                    break
                budget -= spec.fields["support_amount"]
                specs.append(spec)
        if not specs:
            return
        self._fates(specs, rng, demo)
        for spec in specs:
            wanted = spec.fate
            for _attempt in range(8):  # a project placed in a state for the demo gets dates that allow it
                spec.fate = wanted
                self._timeline(spec)
                if spec.fate == wanted or "forced" not in spec.extras:
                    break
        self._stops(specs, rng, demo)
        for spec in specs:
            self._extras(spec)
        if demo:
            self._showcase(specs)
        for spec in specs:
            self._build_steps(spec)
        # a stopped project that hands its money on runs first, its receiver only up to the stop
        for spec in specs:
            if spec.stop_target is not None:
                self._run(spec.stop_target, until=spec.stop_on)
                self._run(spec)
        for spec in specs:
            self._run(spec)
            state = str(self._p(spec).state)
            self.states[state] = self.states.get(state, 0) + 1
        self.report.created["projects"] += len(specs)

    def _lines(self, plan: Plan) -> list[tuple[PlanLine, dt.date]]:
        """The lines of the plan in force today (not replaced by a revision), each with the day it came
        into force."""
        out = []
        lines = plan.lines.select_related("activity", "added_by", "removed_by").order_by("pk")
        for line in lines:
            if line.removed_by_id and line.removed_by.status == RevisionStatus.APPROVED:
                continue
            if line.added_by_id:
                if line.added_by.status != RevisionStatus.APPROVED:
                    continue
                window = line.added_by.decision_date
            else:
                window = plan.decision_date
            out.append((line, window))
        return out

    def _design(
        self, place: Place, plan: Plan, line: PlanLine, window: dt.date, rng: random.Random, budget: int
    ) -> Spec | None:
        code = line.activity.code
        maker = DESIGNERS.get(code)
        if maker is None:
            return None
        design = maker(self, place, plan, rng, budget)
        if design is None:
            return None
        fields, participants, deliverables, party_b = design
        if code not in self.allowed:
            self.allowed[code] = set(line.activity.indicators.values_list("code", flat=True))
        allowed = self.allowed[code]
        deliverables = [(self.indicators[c], planned) for c, planned in deliverables if c in allowed]
        return Spec(
            place=place,
            plan=plan,
            line=line,
            window=window,
            rng=rng,
            fields=fields,
            participants=participants,
            deliverables=[(ind, planned, planned) for ind, planned in deliverables],
            party_b=party_b,
            title=fields["title"],
        )

    # fates, timelines, stops, extras

    def _fates(self, specs: list[Spec], rng: random.Random, demo: bool) -> None:
        year = specs[0].year
        weights = (
            FATES_THIS_YEAR
            if year == self.today.year
            else FATES_LAST_YEAR
            if year == self.today.year - 1
            else FATES_TWO_YEARS_AGO
        )
        fates, w = list(weights), list(weights.values())
        for spec in specs:
            spec.fate = rng.choices(fates, w)[0]
        if demo and year == self.today.year:
            # Khánh Hòa keeps fresh proposals and approved projects to walk through in the UI, and one
            # project in each state.
            # States that need the whole year go to lines in force since January; the others anywhere.
            if specs[0].source == FundingSource.LOCAL:
                dated = [S.SETTLED, S.LIQUIDATED, S.ACCEPTED, S.IN_PROGRESS, S.STOPPED, S.CONTRACTED]
                free = [S.DRAFT, S.APPROVED, S.REGISTERED, S.APPRAISED, S.DRAFT, S.APPROVED]
            else:
                dated = [S.IN_PROGRESS, S.STOPPED, S.ACCEPTED, S.SETTLED]
                free = [S.APPROVED, S.DRAFT]
            original = [s for s in specs if s.window.year < year]
            machines = [
                s for s in original if s.activity == "may-moc-thiet-bi" and s.fields["kind"] == "point"
            ]
            keep = machines[-1:] if len(original) > len(dated) else []  # a machinery proposal to walk through
            chosen = [s for s in original if s not in keep][: len(dated)]
            for spec, fate in zip(chosen, dated, strict=False):
                spec.fate = fate
                spec.extras.add("forced")
            others = keep + [s for s in specs if s not in chosen and s not in keep][::-1]
            for spec, fate in zip(others, free, strict=False):
                spec.fate = fate
                spec.extras.add("forced")

    def _timeline(self, spec: Spec) -> None:
        """Dates of each step, never after today; a project whose steps do not fit before today stays in
        the last state that fits."""
        rng, year, today = spec.rng, spec.year, self.today
        lo_dur, hi_dur = DURATION.get(spec.activity, DEFAULT_DURATION)
        dur = rng.randint(lo_dur, hi_dur)
        first = max(spec.window + _days(3), dt.date(year, 1, 10))
        fate = spec.fate
        forced = "forced" in spec.extras
        if forced and fate in (S.SETTLED, S.LIQUIDATED, S.ACCEPTED):
            dur = min(dur, 100)
        stage = fate
        if fate == S.STOPPED:
            stage = rng.choice([S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.IN_PROGRESS])
            if forced:
                stage = S.IN_PROGRESS
            spec.stop_at = stage
        if year < today.year:
            if year == today.year - 1 and fate in (S.LIQUIDATED, S.ACCEPTED):
                last = dt.date(year, 12, 20)
                accepted = _between(rng, dt.date(year, 11, 1), last)
                decided = max(first, accepted - _days(dur + 30))
            elif year == today.year - 1 and fate == S.IN_PROGRESS:
                decided = _between(rng, first, max(first, dt.date(year, 7, 31)))
                accepted = None
            else:
                decided = _between(rng, first, max(first, dt.date(year, 7, 31)))
                accepted = None
        else:
            hi = {
                S.SETTLED: dt.date(year, 4, 30) if forced else dt.date(year, 6, 15),
                S.LIQUIDATED: dt.date(year, 7, 15),
                S.ACCEPTED: dt.date(year, 8, 15),
                S.IN_PROGRESS: dt.date(year, 10, 15),
                S.CONTRACTED: today - _days(12),
                S.APPROVED: today - _days(2),
            }.get(stage, today - _days(2))
            lo = {S.CONTRACTED: today - _days(75), S.APPROVED: today - _days(50)}.get(stage, first)
            decided = _between(rng, max(first, lo), max(first, hi))
            accepted = None
        d: dict[str, dt.date] = {}
        d["approve"] = decided
        d["appraise"] = max(decided - _days(rng.randint(3, 15)), dt.date(year - 1, 12, 1))
        d["contract"] = decided + _days(rng.randint(7, 25))
        d["start"] = d["contract"] + _days(rng.randint(0, 5))
        d["advance"] = d["start"] + _days(rng.randint(3, 15))
        if accepted is None:
            accepted = d["contract"] + _days(dur)
            if year < today.year:
                accepted = min(accepted, dt.date(year, 12, 20))
        accepted = max(accepted, d["advance"] + _days(10))
        d["accept"] = accepted
        d["pay"] = accepted + _days(rng.randint(4, 18))
        d["liquidate"] = d["pay"] + _days(rng.randint(1, 8))
        d["settle"] = d["liquidate"] + _days(rng.randint(5, 28))
        if year < today.year and fate == S.SETTLED and d["liquidate"] > dt.date(year + 1, 1, 20):
            d["liquidate"] = max(d["pay"], dt.date(year + 1, 1, 15))
            d["settle"] = d["liquidate"] + _days(rng.randint(5, 28))
        if year == today.year and stage in (S.SETTLED, S.LIQUIDATED, S.ACCEPTED):
            # squeeze the work to finish before today when it can
            tail = {S.SETTLED: d["settle"], S.LIQUIDATED: d["liquidate"], S.ACCEPTED: d["accept"]}[stage]
            overshoot = (tail - (today - _days(1))).days
            if overshoot > 0:
                room = (d["accept"] - d["advance"]).days - 20
                cut = min(overshoot, max(room, 0))
                for key in ("accept", "pay", "liquidate", "settle"):
                    d[key] -= _days(cut)
        if year == today.year and stage == S.IN_PROGRESS and d["accept"] <= today + _days(5):
            d["accept"] = min(today + _days(rng.randint(10, 35)), dt.date(year, 12, 28))
        # the state the dates allow
        reach = {
            S.DRAFT: None,
            S.REGISTERED: None,
            S.APPRAISED: d["appraise"],
            S.APPROVED: d["approve"],
            S.CONTRACTED: d["contract"],
            S.IN_PROGRESS: d["advance"],
            S.ACCEPTED: d["accept"],
            S.LIQUIDATED: d["liquidate"],
            S.SETTLED: d["settle"],
        }
        if year == today.year and stage == S.APPRAISED:
            d["appraise"] = today - _days(rng.randint(1, 20))
            reach[S.APPRAISED] = d["appraise"]
        target = ORDER.index(stage)
        while target > 0 and reach[ORDER[target]] is not None and reach[ORDER[target]] >= today:
            target -= 1
        stage = ORDER[target]
        if fate == S.STOPPED:
            if ORDER.index(stage) < ORDER.index(S.APPROVED):
                spec.fate = stage  # too late in the year to stop it: it stays a proposal
                spec.stop_at = None
            else:
                spec.stop_at = stage
                nxt = {S.APPROVED: d["contract"], S.CONTRACTED: d["start"], S.IN_PROGRESS: d["accept"]}[stage]
                begin = reach[stage] + _days(5)
                spec.stop_on = min(_between(rng, begin, max(begin, nxt - _days(1))), today - _days(1))
                spec.stop_on = max(spec.stop_on, reach[stage])
        else:
            spec.fate = stage
        # planned dates of the project
        if spec.fate in (S.DRAFT, S.REGISTERED, S.APPRAISED) and year == today.year:
            start = min(today + _days(rng.randint(8, 20)), dt.date(year, 12, 10))
            end = min(start + _days(dur), dt.date(year, 12, 31))
        elif spec.fate in (S.DRAFT, S.REGISTERED, S.APPRAISED):
            start, end = d["contract"], min(d["accept"], dt.date(year, 12, 31))
        else:
            start = d["contract"] if d["contract"].year == year else d["approve"]
            end = min(d["accept"] + _days(rng.randint(0, 15)), dt.date(year, 12, 31))
            if spec.fate == S.IN_PROGRESS and year < today.year:
                end = dt.date(year, 12, 15)
        spec.fields["start_date"] = min(start, dt.date(year, 12, 31))
        spec.fields["end_date"] = max(end, spec.fields["start_date"])
        spec.dates = d
        # where: pre-reform projects sit in the units of their time
        title = spec.title
        if year < 2025 or (year == 2025 and d["approve"] < dt.date(2025, 7, 1)):
            spec.fields["location"] = self._legacy(spec.place, spec.fields["location"])
            title = _of_the_time(spec.place, title)
            if "named_of_the_time" not in spec.extras:
                spec.extras.add("named_of_the_time")
                spec.fields["implementer_name"] = _of_the_time(spec.place, spec.fields["implementer_name"])
                spec.party_b = _of_the_time(spec.place, spec.party_b)
        else:
            # after the reform, an old province's plan is carried by today's province and its centre
            agency = spec.fields.get("implementer_agency")
            if agency is not None and agency.valid_to is not None and agency.successor_id:
                spec.fields["implementer_agency"] = agency.successor
        spec.fields["title"] = title.replace(COMMUNE, _lower_first(spec.fields["location"].name))

    def _legacy(self, place: Place, unit: AdministrativeUnit) -> AdministrativeUnit:
        if unit.pk == place.province.pk:
            return place.legacy or unit
        return place.predecessors.get(unit.pk, unit)

    def _stops(self, specs: list[Spec], rng: random.Random, demo: bool) -> None:
        """Stopped projects: the advance of some is recovered; some hand their remaining money to a task of
        the plan still under way (on the same line, or on a line with room for it). A task, because its
        support has no cap per establishment; and one that at most triples."""
        planned: dict[int, int] = {}
        for spec in specs:
            planned[spec.line.pk] = planned.get(spec.line.pk, 0) + spec.fields["support_amount"]
        taken: set[int] = set()
        for spec in specs:
            if spec.fate != S.STOPPED or spec.stop_on is None:
                continue
            spec.recover = spec.stop_at == S.IN_PROGRESS and rng.random() < 0.6
            if rng.random() > 0.6 and not demo:
                continue
            amount = spec.fields["support_amount"]

            def fits(t: Spec, spec: Spec = spec, amount: int = amount) -> bool:
                return (
                    t is not spec
                    and id(t) not in taken
                    and t.fate in (S.IN_PROGRESS, S.ACCEPTED, S.LIQUIDATED, S.SETTLED)
                    and t.fields["kind"] == ProjectKind.TASK
                    and amount <= 2 * t.fields["support_amount"]
                    and t.dates["approve"] <= spec.stop_on
                    and spec.stop_on + _days(12) < t.dates["accept"]
                    and (
                        t.line.pk == spec.line.pk
                        or t.line.amount - planned[t.line.pk] - amount > t.line.amount // 20
                    )
                )

            candidates = [t for t in specs if fits(t)]
            same_line = [t for t in candidates if t.line.pk == spec.line.pk]
            if candidates:
                target = rng.choice(same_line or candidates)
                spec.stop_target = target
                taken.add(id(target))
                if target.line.pk != spec.line.pk:
                    planned[target.line.pk] += amount

    def _extras(self, spec: Spec) -> None:
        rng, fate, today = spec.rng, spec.fate, self.today
        reached = ORDER.index(spec.stop_at or fate) if (spec.stop_at or fate) in ORDER else 0
        spec.advance_pct = rng.choice([30, 50, 50, 70])
        if reached >= ORDER.index(S.IN_PROGRESS):
            if rng.random() < 0.3:
                spec.extras.add("inspection")
            if spec.activity in ("may-moc-thiet-bi", "mo-hinh-trinh-dien") and rng.random() < 0.15:
                spec.extras.add("adjust_machine")
            if rng.random() < 0.04:
                spec.extras.add("reject_dates")
            if rng.random() < 0.025:
                spec.extras.add("duplicate_advance")
                spec.advance_pct = 30
        if reached >= ORDER.index(S.CONTRACTED) and rng.random() < 0.05 and fate != S.STOPPED:
            spec.extras.add("adjust_budget")
        if fate in (S.LIQUIDATED, S.SETTLED):
            roll = rng.random()
            if roll < 0.025:
                spec.extras.add("wrong_payment")
            elif roll < 0.08:
                spec.extras.add("recovery")
                spec.advance_pct = 70
            elif roll < 0.4:
                spec.extras.add("savings")
        if fate == S.IN_PROGRESS and spec.year == today.year:
            if rng.random() < 0.12:
                spec.extras.add("pending_adjustment")
            if rng.random() < 0.3:
                spec.extras.add("no_report_this_month")
        if fate == S.IN_PROGRESS and spec.year == today.year - 1 and rng.random() < 0.5:
            spec.extras.add("extension")
        if fate in (S.DRAFT, S.REGISTERED) and rng.random() < 0.3:
            spec.extras.add("returned")

    def _showcase(self, specs: list[Spec]) -> None:
        """Khánh Hòa shows each kind of ledger correction and a decision awaited, whatever the dice say."""
        year = specs[0].year
        if year == self.today.year - 1:
            settled = [s for s in specs if s.fate == S.SETTLED and s.stop_target is None]
            showcase = ["wrong_payment", "recovery", "duplicate_advance", "reject_dates", "inspection"]
            for spec, extra in zip(settled, showcase, strict=False):
                spec.extras -= {"wrong_payment", "recovery", "savings", "duplicate_advance"}
                spec.extras.add(extra)
                spec.advance_pct = {"recovery": 70, "duplicate_advance": 30}.get(extra, spec.advance_pct)
        if year == self.today.year:
            for spec in specs:
                if spec.fate == S.IN_PROGRESS and "forced" in spec.extras:
                    spec.extras.add("pending_adjustment")

    # steps

    def _build_steps(self, spec: Spec) -> None:
        d, fate, today = spec.dates, spec.fate, self.today
        top = spec.stop_at or fate
        reached = ORDER.index(top)
        steps: list[tuple[tuple[dt.date, int], str, Callable[[], None]]] = []
        early = dt.date(spec.year - 1, 1, 1)

        def add(on: dt.date, rank: int, name: str, fn: Callable[[], None]) -> None:
            steps.append(((on, rank), name, fn))

        add(early, 0, "create", lambda: self._create(spec))
        if reached >= ORDER.index(S.REGISTERED) or "returned" in spec.extras:
            add(early, 1, "register", lambda: self._act(spec, "register"))
        if "returned" in spec.extras:
            add(early, 2, "appraise", lambda: self._act(spec, "appraise", on=today - _days(20)))
            add(early, 3, "return", lambda: self._return(spec))
            if reached >= ORDER.index(S.REGISTERED):
                add(early, 4, "register", lambda: self._act(spec, "register"))
        if reached >= ORDER.index(S.APPRAISED):
            add(d["appraise"], 1, "appraise", lambda: self._act(spec, "appraise", on=d["appraise"]))
        if reached >= ORDER.index(S.APPROVED):
            add(d["approve"], 2, "approve", lambda: self._approve(spec))
            if "adjust_budget" in spec.extras:
                add(d["approve"], 3, "adjust_budget", lambda: self._adjust_budget(spec))
        if reached >= ORDER.index(S.CONTRACTED):
            add(d["contract"], 4, "contract", lambda: self._contracts(spec, d["contract"]))
        if reached >= ORDER.index(S.IN_PROGRESS):
            add(d["start"], 5, "start", lambda: self._act(spec, "start"))
            add(d["advance"], 6, "advance", lambda: self._advance(spec, d["advance"]))
            until = d["accept"] if reached >= ORDER.index(S.ACCEPTED) else today
            if spec.stop_on:
                until = spec.stop_on
            month = (d["start"].replace(day=1) + _days(32)).replace(day=1)
            percent = 0
            months = []
            while month <= until and month <= today:
                months.append(month)
                month = (month + _days(32)).replace(day=1)
            skip = fate == S.IN_PROGRESS and "no_report_this_month" in spec.extras
            if skip and months and months[-1] == today.replace(day=1):
                months.pop()
            if spec.year < today.year and len(months) > 3 and fate != S.IN_PROGRESS:
                months = [months[0], months[len(months) // 2], months[-1]]  # three keep the demo quick
            for i, m in enumerate(months):
                done = round(100 * (i + 1) / (len(months) + 1)) + spec.rng.randint(0, 8)
                percent = max(percent, min(95, done))
                on = max(m, d["advance"])
                add(on, 7, "progress", lambda m=m, p=percent: self._progress(spec, m, p))
            lo, hi = d["advance"] + _days(10), min(until, today) - _days(2)
            if "inspection" in spec.extras and lo <= hi:
                seen = _between(spec.rng, lo, hi)
                add(seen, 8, "inspect", lambda: self._inspect(spec, seen))
            mid = d["advance"] + _days(max((min(until, today) - d["advance"]).days // 2, 1))
            if "adjust_machine" in spec.extras:
                add(mid, 9, "adjust_machine", lambda: self._adjust_machine(spec))
            if "reject_dates" in spec.extras:
                add(mid, 10, "reject_dates", lambda: self._reject_dates(spec))
            if "pending_adjustment" in spec.extras:
                add(today, 11, "pending", lambda: self._pending(spec))
            if "extension" in spec.extras:
                add(dt.date(spec.year, 12, 10), 11, "extension", lambda: self._extension(spec))
        if fate in (S.ACCEPTED, S.LIQUIDATED, S.SETTLED):
            add(d["accept"], 12, "record", lambda: self._record(spec))
            add(d["accept"], 13, "accept", lambda: self._act(spec, "accept", on=d["accept"]))
            if d["pay"] < today and (fate != S.ACCEPTED or spec.rng.random() < 0.5):
                add(d["pay"], 14, "pay", lambda: self._pay(spec, d["pay"]))
        if fate in (S.LIQUIDATED, S.SETTLED):
            add(d["liquidate"], 15, "liquidate", lambda: self._liquidate(spec, d["liquidate"]))
        if fate == S.SETTLED:
            add(d["settle"], 16, "settle", lambda: self._settle(spec, d["settle"]))
        if fate == S.STOPPED:
            add(spec.stop_on, 17, "stop", lambda: self._stop(spec))
            if spec.recover:
                on = min(spec.stop_on + _days(spec.rng.randint(5, 20)), today)
                add(on, 18, "recover", lambda: self._recover(spec, on))
        steps.sort(key=lambda s: s[0])
        late = [name for (on, _rank), name, _fn in steps if on > today]
        if late:
            raise RuntimeError(f"demo project steps dated after today: {late}")
        spec.steps = steps

    def _run(self, spec: Spec, until: dt.date | None = None) -> None:
        while spec.pos < len(spec.steps):
            (on, _rank), _name, fn = spec.steps[spec.pos]
            if until is not None and on > until:
                return
            spec.pos += 1
            fn()

    # the service calls

    def _p(self, spec: Spec) -> Project:
        if spec.project is None:
            raise RuntimeError("the demo project is not created yet")
        return spec.project

    def _create(self, spec: Spec) -> None:
        actors = spec.place.actors
        project = project_create(actor=actors.officer, plan_line=spec.line, **spec.fields)
        for part in spec.participants:
            participant_add(actor=actors.officer, project=project, **part)
        for indicator, planned, _achieved in spec.deliverables:
            deliverable_set(actor=actors.officer, project=project, indicator=indicator, planned=planned)
        spec.project = project

    def _act(self, spec: Spec, action: str, **params: Any) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.officer, project=self._p(spec), action=action, **params
        )

    def _return(self, spec: Spec) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.department,
            project=self._p(spec),
            action="return",
            reason=spec.rng.choice(
                [
                    "Bổ sung báo giá của ít nhất ba nhà cung cấp thiết bị.",
                    "Làm rõ phần vốn đối ứng của cơ sở và bổ sung xác nhận của Ủy ban nhân dân xã.",
                    "Điều chỉnh dự toán theo định mức chi hiện hành.",
                ]
            ),
        )

    def _approve(self, spec: Spec) -> None:
        number = self._number(spec, "decision")
        issuer = "QĐ-BCT" if spec.source == FundingSource.NATIONAL else "QĐ-SCT"
        spec.project = project_transition(
            actor=spec.place.actors.approver(spec.source),
            project=self._p(spec),
            action="approve",
            decision_number=f"{number}/{issuer}",
            decision_date=spec.dates["approve"],
        )

    def _number(self, spec: Spec, kind: str) -> int:
        key = f"{kind}-{spec.plan.agency_id}-{spec.year}"
        start = {"decision": 100, "contract": 1, "payment": 10}[kind]
        self.numbers[key] = self.numbers.get(key, start + spec.rng.randint(0, 40)) + spec.rng.randint(1, 6)
        return self.numbers[key]

    def _contracts(self, spec: Spec, on: dt.date) -> None:
        """The project's contract; a group project supporting machinery or brands signs one contract with
        each participant."""
        project = self._p(spec)
        if project.kind == ProjectKind.GROUP and spec.activity in PER_PARTICIPANT:
            for part in project.participants.select_related("establishment").order_by("pk"):
                self._contract(spec, on, part.support_amount, party_b=part.establishment.name)
        else:
            self._contract(spec, on)

    def _contract(
        self, spec: Spec, on: dt.date, value: int | None = None, suffix: str = "", party_b: str = ""
    ) -> Contract:
        project = self._p(spec)
        number = self._number(spec, "contract")
        short = "HĐKC-SCT" if spec.source == FundingSource.NATIONAL else "HĐKC-TTKC"
        if not party_b:
            party_b = spec.party_b
            by_itself = (
                project.implementer_kind == ImplementerKind.AGENCY
                and project.implementer_agency_id == project.managing_agency_id
            )
            if not by_itself:
                party_b = project.implementer_label
        contract = contract_sign(
            actor=spec.place.actors.officer,
            project=project,
            number=f"{number:02d}/{spec.year}/{short}{suffix}",
            signed_on=on,
            party_a=project.managing_agency.name,
            party_b=party_b,
            value=value if value is not None else project.support_amount,
        )
        spec.project = Project.objects.get(pk=project.pk)
        self.report.created["contracts"] += 1
        return contract

    def _ref(self, spec: Spec) -> str:
        return f"UNC {self._number(spec, 'payment'):03d}/{spec.year}"

    def _entry(self, spec: Spec, kind: str, amount: int, on: dt.date, contract: Contract, note: str = ""):
        entry = entry_record(
            actor=spec.place.actors.officer,
            project=self._p(spec),
            kind=kind,
            amount=amount,
            value_date=on,
            reference=self._ref(spec),
            contract=contract,
            note=note,
        )
        self.report.created["ledger entries"] += 1
        return entry

    def _advance(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        share, _rule = advance_share(project.plan_line.activity, on)
        pct = min(Decimal(spec.advance_pct) / 100, share)
        contracts = list(project.contracts.order_by("pk"))
        for contract in contracts[1:]:
            amount = _round_down(
                (Decimal(contract.value) * pct).to_integral_value(rounding=ROUND_FLOOR), 1000
            )
            if amount > 0:
                self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
        contract = contracts[0]
        amount = _round_down((Decimal(contract.value) * pct).to_integral_value(rounding=ROUND_FLOOR), 1000)
        if amount <= 0:
            return
        entry = self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
        if "duplicate_advance" in spec.extras and 2 * amount <= contract.value * share:
            twice = self._entry(spec, EntryKind.ADVANCE, amount, on, contract, "Tạm ứng theo hợp đồng")
            entry_reverse(
                actor=spec.place.actors.officer,
                entry=twice,
                reason=f"Ghi trùng với bút toán tạm ứng {entry.reference}; hủy bút toán ghi trùng.",
                value_date=min(on + _days(3), self.today),
            )
            self.report.created["ledger entries"] += 1

    def _progress(self, spec: Spec, month: dt.date, percent: int) -> None:
        notes = [
            "Đã hoàn thành lắp đặt, chạy thử thiết bị.",
            "Đang triển khai theo kế hoạch.",
            "Đã tổ chức khai giảng, học viên tham gia đầy đủ.",
            "Đang hoàn thiện hồ sơ, chuẩn bị nghiệm thu.",
            "Chậm so với kế hoạch do thời tiết; đơn vị đã có giải pháp khắc phục.",
        ]
        progress_report_submit(
            actor=spec.place.actors.officer,
            project=self._p(spec),
            month=month,
            percent_done=percent,
            note=spec.rng.choice(notes),
        )
        self.report.created["progress reports"] += 1

    def _inspect(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        team = f"{project.managing_agency.name}: {spec.rng.choice(INSPECTORS)}"
        self.report.created["inspections"] += 1
        if spec.rng.random() < 0.3:
            findings, follow = spec.rng.choice(FINDINGS_FOLLOW)
            inspection_record(
                actor=spec.place.actors.officer,
                project=project,
                date=on,
                inspectors=team,
                findings=findings,
                follow_up_required=True,
                follow_up=follow,
            )
        else:
            inspection_record(
                actor=spec.place.actors.officer,
                project=project,
                date=on,
                inspectors=team,
                findings=spec.rng.choice(FINDINGS_OK),
            )

    def _decide(self, spec: Spec, adjustment: Adjustment, approve: bool, note: str = "") -> None:
        who = adjustment_approver(adjustment)
        actor = spec.place.actors.for_who(who, spec.source)
        issuer = "QĐ-BCT" if actor == spec.place.actors.national else "QĐ-SCT"
        number = f"{self._number(spec, 'decision')}/{issuer}"
        adjustment_decide(
            actor=actor,
            adjustment=adjustment,
            approve=approve,
            note=note,
            decision_number=number if approve else "",
        )
        spec.project = Project.objects.get(pk=adjustment.project_id)

    def _adjust_budget(self, spec: Spec) -> None:
        project = self._p(spec)
        cut = _round_down(project.support_amount * spec.rng.uniform(0.04, 0.1), 500_000)
        if cut <= 0 or project.participants.exists():
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.BUDGET,
            reason="Giá thiết bị, dịch vụ theo kết quả chào giá cạnh tranh thấp hơn dự toán được duyệt.",
            changes={
                "support_amount": project.support_amount - cut,
                # the counterpart shrinks in proportion, so the support's share of the cost is unchanged
                "counterpart_amount": _round_down(
                    project.counterpart_amount * (project.support_amount - cut) // project.support_amount,
                    1000,
                ),
            },
        )
        self._decide(spec, adjustment, True, "Đồng ý giảm kinh phí theo kết quả chào giá.")

    def _adjust_machine(self, spec: Spec) -> None:
        project = self._p(spec)
        if not project.machine_name:
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.MACHINE,
            reason="Nhà sản xuất ngừng sản xuất model đã duyệt; thay bằng model tương đương, "
            "thông số kỹ thuật không thấp hơn.",
            changes={
                "machine_name": f"{project.machine_name} (model thay thế)",
                "machine_spec": f"{project.machine_spec}; model thay thế có công suất tương đương",
            },
        )
        self._decide(spec, adjustment, True, "Đồng ý thay đổi model thiết bị, giữ nguyên kinh phí.")

    def _reject_dates(self, spec: Spec) -> None:
        project = self._p(spec)
        end = min(project.end_date + _days(30), dt.date(spec.year, 12, 31))
        if end == project.end_date:
            return
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.DATES,
            reason="Đề nghị lùi thời gian kết thúc để chờ mùa vụ nguyên liệu.",
            changes={"end_date": end},
        )
        self._decide(
            spec,
            adjustment,
            False,
            "Không có căn cứ điều chỉnh; đề nghị đơn vị bố trí thực hiện đúng tiến độ đã duyệt.",
        )

    def _pending(self, spec: Spec) -> None:
        project = self._p(spec)
        if project.adjustments.filter(status="requested").exists():
            return
        if spec.activity in ("may-moc-thiet-bi", "mo-hinh-trinh-dien") and project.machine_name:
            adjustment_request(
                actor=spec.place.actors.officer,
                project=project,
                kind=AdjustmentKind.MACHINE,
                reason="Cơ sở đề nghị đổi sang thiết bị có công suất phù hợp hơn với mặt bằng nhà xưởng.",
                changes={"machine_spec": f"{project.machine_spec}; công suất điều chỉnh theo mặt bằng"},
            )
        else:
            end = dt.date(spec.year, 12, 31)
            if project.end_date == end:
                return
            adjustment_request(
                actor=spec.place.actors.officer,
                project=project,
                kind=AdjustmentKind.DATES,
                reason="Lùi thời gian kết thúc do điều chỉnh lịch tổ chức theo đề nghị của địa phương.",
                changes={"end_date": end},
            )
        self.report.created["adjustments awaiting a decision"] += 1

    def _extension(self, spec: Spec) -> None:
        project = self._p(spec)
        adjustment = adjustment_request(
            actor=spec.place.actors.officer,
            project=project,
            kind=AdjustmentKind.EXTENSION,
            reason="Thiết bị về chậm do ảnh hưởng của mưa bão; "
            f"đề nghị gia hạn thực hiện sang năm {spec.year + 1}.",
            changes={"end_date": dt.date(spec.year + 1, 6, 30)},
        )
        self._decide(spec, adjustment, True, f"Đồng ý gia hạn sang năm {spec.year + 1}.")

    def _record(self, spec: Spec) -> None:
        project = self._p(spec)
        short = "recovery" in spec.extras
        for deliverable in project.deliverables.select_related("indicator"):
            planned = deliverable.planned
            if short:
                achieved = max(planned - max(planned // 6, 1), 0) if planned > 1 else planned
            else:
                achieved = planned + (spec.rng.randint(0, max(planned // 10, 0)) if planned > 5 else 0)
            deliverable_record(
                actor=spec.place.actors.officer,
                deliverable=deliverable,
                achieved=achieved,
                evidence=f"Biên bản nghiệm thu ngày {spec.dates['accept']:%d/%m/%Y}",
            )

    def _pay(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        contracts = list(project.contracts.order_by("pk"))
        for i, contract in enumerate(contracts):
            balance = contract_balance(contract)
            final = contract.value
            if i == 0 and "savings" in spec.extras:
                final -= _round_down(contract.value * spec.rng.uniform(0.01, 0.05), 1000)
            if i == 0 and "recovery" in spec.extras:
                final = _round_down(contract.value * 0.6, 1000)
            need = final - balance.disbursed
            if need < 0:
                self._entry(
                    spec,
                    EntryKind.RECOVERY,
                    -need,
                    on,
                    contract,
                    "Thu hồi phần tạm ứng vượt giá trị nghiệm thu",
                )
            elif need > 0:
                if "wrong_payment" in spec.extras and i == 0 and need > 20 * MILLION:
                    wrong = need - 9 * MILLION
                    entry = self._entry(
                        spec, EntryKind.PAYMENT, wrong, on, contract, "Thanh toán theo nghiệm thu"
                    )
                    entry_reverse(
                        actor=spec.place.actors.officer,
                        entry=entry,
                        reason="Nhập sai số tiền so với ủy nhiệm chi; ghi lại bút toán đúng.",
                        value_date=on,
                    )
                    self.report.created["ledger entries"] += 1
                self._entry(
                    spec, EntryKind.PAYMENT, need, on, contract, "Thanh toán theo biên bản nghiệm thu"
                )

    def _liquidate(self, spec: Spec, on: dt.date) -> None:
        project = self._p(spec)
        balance = project_balance(project)
        spec.project = project_liquidate(
            actor=spec.place.actors.officer, project=project, on=on, final_value=balance.disbursed
        )

    def _settle(self, spec: Spec, on: dt.date) -> None:
        spec.project = project_transition(
            actor=spec.place.actors.department, project=self._p(spec), action="settle", on=on
        )

    def _stop(self, spec: Spec) -> None:
        target = spec.stop_target
        destination = StopDestination.PROJECT if target is not None else StopDestination.LINE
        spec.project = project_stop(
            actor=spec.place.actors.approver(spec.source),
            project=self._p(spec),
            on=spec.stop_on,
            reason=spec.rng.choice(STOP_REASONS),
            destination=destination,
            target=target.project if target is not None else None,
        )
        if target is not None:
            target.project = Project.objects.get(pk=target.project.pk)
            if target.project.contracts.exists():
                # the receiving project signs an annex for the money it received
                on = min(spec.stop_on + _days(spec.rng.randint(3, 10)), self.today)
                received = spec.project.released_amount or 0
                if received > 0:
                    target.steps.append(
                        ((on, 4), "annex", lambda: self._contract(target, on, received, "-PL01"))
                    )
                    rest = target.steps[target.pos :]
                    rest.sort(key=lambda s: s[0])
                    target.steps[target.pos :] = rest

    def _recover(self, spec: Spec, on: dt.date) -> None:
        for contract in self._p(spec).contracts.order_by("pk"):
            disbursed = contract_balance(contract).disbursed
            if disbursed <= 0:
                continue
            self._entry(
                spec,
                EntryKind.RECOVERY,
                disbursed,
                on,
                contract,
                "Thu hồi tạm ứng do đề án dừng thực hiện",
            )


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
