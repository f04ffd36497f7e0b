"""The demo programme's material: how projects end by year, how long activities take, Vietnamese
names and phrases, who acts (Actors), where (Place) and what a project is meant to be (Spec)."""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from khuyencong.accounts.models import Agency, User
from khuyencong.catalog.choices import NormCondition
from khuyencong.catalog.models import Indicator
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.projects.choices import (
    ProjectState,
)
from khuyencong.projects.models import Project
from khuyencong.projects.workflow import Who

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
