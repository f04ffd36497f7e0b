"""Events for tests, made through the services by the system administrator. "own" events take place in
phường Phan Rang (inside every scoped test user's jurisdiction), "foreign" ones in Hà Nội. The own
selection is a 2024 commune-level one in the legacy Ninh Thuận commune that became phường Phan Rang;
the foreign one Hà Nội's provincial selection of 2025."""

import datetime as dt
import itertools

from khuyencong.accounts.choices import Role
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import establishment_create
from khuyencong.events import services
from khuyencong.events.choices import (
    FairLevel,
    ProductGroup,
    SelectionLevel,
    TitleKind,
    TitleLevel,
    TrainingKind,
)
from khuyencong.events.models import (
    ArtisanTitle,
    Fair,
    FairParticipation,
    ProductSelection,
    SelectionEntry,
    Training,
)
from khuyencong.testing.world import World

_counter = itertools.count(1)
AGENCY = {"own": "ubnd-phan-rang", "foreign": "ttkc-01"}


def admin(w: World):
    return w.user(Role.SYSTEM_ADMIN)


def place(w: World, target: str):
    return w.phan_rang if target == "own" else w.ha_noi_commune


def establishment(w: World, commune, name: str | None = None) -> Establishment:
    return establishment_create(
        actor=w.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=LegalForm.HOUSEHOLD_BUSINESS,
        name=name or f"Cơ sở sự kiện kiểm thử {next(_counter)}",
        commune=commune,
    )


def fair(w: World, target: str = "own", **overrides) -> Fair:
    data = {
        "name": f"Hội chợ kiểm thử {next(_counter)}",
        "level": FairLevel.PROVINCE,
        "place": "Quảng trường trung tâm",
        "location": place(w, target),
        "organiser": w.agency(AGENCY[target]),
        "start_date": dt.date(2025, 5, 10),
        "end_date": dt.date(2025, 5, 14),
        "booths_total": 100,
    }
    data.update(overrides)
    return services.fair_create(actor=admin(w), **data)


def participation(w: World, target: str = "own", **overrides) -> FairParticipation:
    the_fair = overrides.pop("fair", None) or fair(w, target)
    est = overrides.pop("establishment", None) or establishment(w, place(w, target))
    return services.participation_add(actor=admin(w), fair=the_fair, establishment=est, **overrides)


def selection_area(w: World, target: str):
    """The unit of the target's selection and a commune inside it for its establishments."""
    if target == "own":
        commune = w.phan_rang_predecessor
        return commune, commune
    return w.ha_noi, w.ha_noi_commune


def selection(w: World, target: str = "own", **overrides) -> ProductSelection:
    unit, _commune = selection_area(w, target)
    data = {
        "level": SelectionLevel.COMMUNE if target == "own" else SelectionLevel.PROVINCE,
        "year": 2024 if target == "own" else 2025,
        "name": f"Bình chọn sản phẩm CNNT tiêu biểu {next(_counter)}",
        "unit": unit,
        "organiser": w.agency(AGENCY[target]),
    }
    data.update(overrides)
    return services.selection_create(actor=admin(w), **data)


def entry(w: World, target: str = "own", *, scores=(), **overrides) -> SelectionEntry:
    the_selection = overrides.pop("selection", None) or selection(w, target)
    est = overrides.pop("establishment", None) or establishment(w, selection_area(w, target)[1])
    made = services.entry_add(
        actor=admin(w),
        selection=the_selection,
        establishment=est,
        product_name=overrides.pop("product_name", f"Sản phẩm {next(_counter)}"),
        product_group=overrides.pop("product_group", ProductGroup.FOOD),
    )
    for i, score in enumerate(scores):
        made = services.entry_score(actor=admin(w), entry=made, juror=f"Giám khảo {i + 1}", score=score)
    return made


def title(w: World, target: str = "own", **overrides) -> ArtisanTitle:
    data = {
        "person_name": f"Nghệ nhân {next(_counter)}",
        "kind": TitleKind.ARTISAN,
        "level": TitleLevel.PROVINCE,
        "year": 2025,
        "craft": "gốm Bàu Trúc",
        "decision_number": "12/QĐ-UBND",
        "unit": place(w, target),
    }
    data.update(overrides)
    return services.title_create(actor=admin(w), **data)


def training(w: World, target: str = "own", **overrides) -> Training:
    data = {
        "kind": TrainingKind.TRAINING,
        "title": f"Lớp đào tạo nghề kiểm thử {next(_counter)}",
        "start_date": dt.date(2025, 6, 2),
        "end_date": dt.date(2025, 6, 20),
        "location": place(w, target),
        "organiser": w.agency(AGENCY[target]),
        "participants_count": 30,
    }
    data.update(overrides)
    return services.training_create(actor=admin(w), **data)
