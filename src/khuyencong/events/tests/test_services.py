"""The event services: what they record, what they refuse (writing nothing), the project deliverables
they keep counted, and the typical-product priority flag."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.core.models import AuditEntry
from khuyencong.events import services
from khuyencong.events.choices import EntryResult, FairLevel, SelectionLevel, TrainingKind
from khuyencong.events.models import FairParticipation, ProductSelection, SelectionEntry
from khuyencong.events.selectors import event_counts, fairs_visible, selections_visible
from khuyencong.events.tests import builders as b
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Deliverable
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The assertions below read the refusals' English wording."""
    with translation.override("en"):
        yield


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


def _errors(exc_info) -> dict:
    return exc_info.value.details["errors"]


def _achieved(project) -> dict[str, int | None]:
    return {
        d.indicator.code: d.achieved
        for d in Deliverable.objects.filter(project=project, counted_from_events=True).select_related(
            "indicator"
        )
    }


# --- fairs -----------------------------------------------------------------------------------------


def test_officer_records_booths_of_an_establishment_of_the_province(world, officer):
    fair = b.fair(world, booths_total=10)
    est = b.establishment(world, world.phan_rang)
    part = services.participation_add(
        actor=officer, fair=fair, establishment=est, booths=3, support_amount=36_000_000
    )
    assert (part.booths, part.support_amount, part.created_by) == (3, 36_000_000, officer)
    assert AuditEntry.objects.filter(action="event.participation_add", object_id=str(fair.pk)).exists()


def test_establishment_outside_the_jurisdiction_is_refused_and_nothing_written(world, officer):
    fair = b.fair(world)
    foreign = b.establishment(world, world.ha_noi_commune)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.participation_add(
            actor=officer, fair=fair, establishment=foreign, booths=0, support_amount=1.5
        )
    errors = _errors(exc)
    assert "outside your jurisdiction" in errors["establishment"]
    assert set(errors) == {"establishment", "booths", "support_amount"}
    assert not FairParticipation.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_booths_beyond_the_fair_and_a_second_record_are_refused(world, officer):
    fair = b.fair(world, booths_total=4)
    est = b.establishment(world, world.phan_rang)
    services.participation_add(actor=officer, fair=fair, establishment=est, booths=3)
    with pytest.raises(ValidationFailed) as exc:
        services.participation_add(
            actor=officer, fair=fair, establishment=b.establishment(world, world.phan_rang), booths=2
        )
    assert "4" in _errors(exc)["booths"]
    with pytest.raises(ValidationFailed) as exc:
        services.participation_add(actor=officer, fair=fair, establishment=est, booths=1)
    assert "already" in _errors(exc)["establishment"]
    assert FairParticipation.objects.count() == 1


def test_read_only_roles_and_foreign_fairs(world, officer):
    own, foreign = b.fair(world, "own"), b.fair(world, "foreign")
    est = b.establishment(world, world.phan_rang)
    with pytest.raises(PermissionDenied):
        services.participation_add(actor=world.user(Role.AUDITOR), fair=own, establishment=est)
    with pytest.raises(NotInJurisdiction):
        services.participation_add(actor=officer, fair=foreign, establishment=est)
    assert not FairParticipation.objects.exists()


def test_a_national_fair_elsewhere_is_open_to_record_the_province_booths(world, officer):
    national = b.fair(world, "foreign", level=FairLevel.NATIONAL)
    provincial = b.fair(world, "foreign")
    visible = set(fairs_visible(officer).values_list("pk", flat=True))
    assert national.pk in visible
    assert provincial.pk not in visible
    services.participation_add(
        actor=officer, fair=national, establishment=b.establishment(world, world.phan_rang)
    )
    # the commune officer sees the provincial fair where one of its establishments took part
    commune_officer = world.user(Role.COMMUNE_OFFICER)
    kh_fair = b.fair(world, "own", location=world.khanh_hoa)
    assert not fairs_visible(commune_officer).filter(pk=kh_fair.pk).exists()
    b.participation(world, fair=kh_fair, establishment=b.establishment(world, world.phan_rang))
    assert fairs_visible(commune_officer).filter(pk=kh_fair.pk).exists()


def test_invalid_fair_fields_are_all_reported(world, officer):
    with pytest.raises(ValidationFailed) as exc:
        services.fair_create(
            actor=officer,
            name=" ",
            level="galaxy",
            place="",
            location=world.ha_noi,
            organiser=world.agency("ttkc-56"),
            start_date=dt.date(2025, 5, 10),
            end_date=dt.date(2025, 5, 1),
            booths_total=-1,
        )
    assert set(_errors(exc)) == {"name", "level", "place", "location", "end_date", "booths_total"}


# --- deliverables counted from events -----------------------------------------------------------


def test_booths_paid_by_a_project_are_counted_on_its_deliverables(world, officer):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    fair_a, fair_b = (
        b.fair(world),
        b.fair(world, start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 9, 3)),
    )
    first = services.participation_add(
        actor=officer,
        fair=fair_a,
        establishment=b.establishment(world, world.phan_rang),
        booths=2,
        project=project,
    )
    services.participation_add(
        actor=officer,
        fair=fair_b,
        establishment=b.establishment(world, world.phan_rang),
        booths=3,
        project=project,
    )
    services.participation_add(
        actor=officer, fair=fair_b, establishment=b.establishment(world, world.phan_rang)
    )
    assert _achieved(project) == {"gian-hang": 5, "hoi-cho": 2, "luot-co-so-hoi-cho": 2}
    booths = Deliverable.objects.get(project=project, indicator__code="gian-hang")
    assert booths.planned == 1  # the planned value set before approval is kept
    assert fair_a.name in booths.evidence
    services.participation_remove(actor=officer, participation=first)
    assert _achieved(project) == {"gian-hang": 3, "hoi-cho": 1, "luot-co-so-hoi-cho": 1}


def test_a_fair_organised_under_a_project_counts_its_booths_and_participations(world, officer):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="to-chuc-hoi-cho")
    fair = b.fair(world, booths_total=40, project=project)
    assert _achieved(project) == {"gian-hang": 40, "hoi-cho": 1, "luot-co-so-hoi-cho": 0}
    b.participation(world, fair=fair, establishment=b.establishment(world, world.phan_rang))
    assert _achieved(project)["luot-co-so-hoi-cho"] == 1


def test_a_project_that_events_cannot_count_for_is_refused(world, officer):
    machinery = make_project(world, "own", ProjectState.IN_PROGRESS, activity="may-moc-thiet-bi")
    booths = make_project(world, "own", ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    draft = make_project(world, "own", ProjectState.DRAFT, activity="gian-hang-hoi-cho")
    foreign = make_project(world, "foreign", ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    fair = b.fair(world)
    late = b.fair(world, start_date=dt.date(2025, 12, 1), end_date=dt.date(2025, 12, 3))
    est = b.establishment(world, world.phan_rang)
    cases = [
        (fair, machinery, "activity"),
        (late, booths, "period"),
        (fair, draft, "approval"),
        (fair, foreign, "jurisdiction"),
    ]
    for target_fair, project, word in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.participation_add(actor=officer, fair=target_fair, establishment=est, project=project)
        assert word in _errors(exc)["project"], word
    assert not FairParticipation.objects.exists()
    assert not Deliverable.objects.filter(counted_from_events=True).exists()


def test_counts_are_final_after_acceptance(world, officer):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    part = services.participation_add(
        actor=officer,
        fair=b.fair(world),
        establishment=b.establishment(world, world.phan_rang),
        project=project,
    )
    project.state = ProjectState.ACCEPTED
    project.save(update_fields=["state"])
    with pytest.raises(services.WrongState):
        services.participation_remove(actor=officer, participation=part)
    assert FairParticipation.objects.filter(pk=part.pk).exists()


def test_trainees_listed_replace_the_typed_count_and_feed_the_project(world, officer):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="dao-tao-nghe")
    training = b.training(world, participants_count=30, project=project)
    assert _achieved(project)["hoc-vien"] == 30
    services.trainee_add(actor=officer, training=training, name="Nguyễn Văn A")
    services.trainee_add(
        actor=officer,
        training=training,
        name="Trần Thị B",
        establishment=b.establishment(world, world.phan_rang),
    )
    training.refresh_from_db()
    assert training.participants_count == 2
    assert _achieved(project)["hoc-vien"] == 2
    with pytest.raises(ValidationFailed) as exc:
        services.trainee_add(
            actor=officer,
            training=training,
            name="C",
            establishment=b.establishment(world, world.ha_noi_commune),
        )
    assert "establishment" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        b.training(world, kind=TrainingKind.WORKSHOP, project=project)
    assert "activity" in _errors(exc)["project"]


# --- typical-product selections -------------------------------------------------------------------


def test_selection_levels_by_year_and_area(world, officer):
    kwargs = {"actor": officer, "name": "Bình chọn", "organiser": world.agency("ttkc-56")}
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.COMMUNE, year=2025, unit=world.phan_rang, **kwargs)
    assert "2024" in _errors(exc)["level"]
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.PROVINCE, year=2025, unit=world.phan_rang, **kwargs)
    assert "unit" in _errors(exc)
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.PROVINCE, year=2025, unit=world.ha_noi, **kwargs)
    assert "jurisdiction" in _errors(exc)["unit"]
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.NATIONAL, year=2025, **kwargs)
    assert "ministry" in _errors(exc)["level"]
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.PROVINCE, year=2024, unit=world.khanh_hoa, **kwargs)
    assert "not in force" in _errors(exc)["unit"]
    made = services.selection_create(level=SelectionLevel.PROVINCE, year=2025, unit=world.khanh_hoa, **kwargs)
    with pytest.raises(ValidationFailed) as exc:
        services.selection_create(level=SelectionLevel.PROVINCE, year=2025, unit=world.khanh_hoa, **kwargs)
    assert "already" in _errors(exc)["year"]
    assert list(ProductSelection.objects.all()) == [made]
    national = services.selection_create(
        actor=world.user(Role.MINISTRY_OFFICER), level=SelectionLevel.NATIONAL, year=2025,
        name="Quốc gia 2025", organiser=world.agency("bct-cuc-kc"),
    )  # fmt: skip
    assert selections_visible(officer).filter(pk=national.pk).exists()  # national selections are read by all
    # a province nominates its own establishments; the ministry scores and certifies
    nominated = services.entry_add(
        actor=officer, selection=national, establishment=b.establishment(world, world.phan_rang),
        product_name="Gốm Bàu Trúc", product_group="handicraft",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.entry_score(actor=officer, entry=nominated, juror="A", score=90)
    services.entry_score(actor=world.user(Role.MINISTRY_OFFICER), entry=nominated, juror="A", score=90)
    with pytest.raises(ValidationFailed):
        services.entry_add(
            actor=officer, selection=national, establishment=b.establishment(world, world.ha_noi_commune),
            product_name="Lụa", product_group="handicraft",
        )  # fmt: skip


def test_entries_come_from_the_selection_area(world, officer):
    selection = services.selection_create(
        actor=officer, level=SelectionLevel.PROVINCE, year=2025, name="Khánh Hòa 2025", unit=world.khanh_hoa,
        organiser=world.agency("ttkc-56"),
    )  # fmt: skip
    da_nang_est = b.establishment(world, world.da_nang_commune)
    with pytest.raises(ValidationFailed) as exc:
        services.entry_add(
            actor=world.user(Role.SYSTEM_ADMIN), selection=selection, establishment=da_nang_est,
            product_name="Bánh tráng", product_group="food",
        )  # fmt: skip
    assert "area" in _errors(exc)["establishment"]
    with pytest.raises(ValidationFailed) as exc:
        services.entry_add(
            actor=officer, selection=selection, establishment=da_nang_est, product_name="", product_group="x"
        )
    assert set(_errors(exc)) == {"establishment", "product_name", "product_group"}
    entry = services.entry_add(
        actor=officer,
        selection=selection,
        establishment=b.establishment(world, world.phan_rang),
        product_name="Nho Ba Mọi sấy",
        product_group="food",
    )
    assert entry.result == EntryResult.PENDING
    with pytest.raises(PermissionDenied):
        services.entry_add(
            actor=world.user(Role.COMMUNE_OFFICER), selection=selection, establishment=entry.establishment,
            product_name="Khác", product_group="food",
        )  # fmt: skip


def test_jury_average_is_rounded_half_up_and_a_juror_corrects_a_score(world, officer):
    entry = b.entry(world, scores=("70", "71", "71"))
    assert entry.total_score == Decimal("70.67")
    entry = services.entry_score(actor=officer, entry=entry, juror="Giám khảo 1", score="72,5")
    assert entry.total_score == Decimal("71.50")
    assert entry.scores.count() == 3
    for bad in ("101", "-1", "abc", "80.555", 80.5):
        with pytest.raises(ValidationFailed):
            services.entry_score(actor=officer, entry=entry, juror="Giám khảo 1", score=bad)


def test_certified_product_sets_the_priority_flag_while_valid(world, officer):
    entry = b.entry(world, scores=(80, 90))
    est = entry.establishment
    assert not est.typical_product
    version = est.version
    entry = services.entry_certify(
        actor=officer, entry=entry, certificate_number="05/GCN", valid_from=dt.date(2025, 1, 10)
    )
    assert (entry.result, entry.certificate_valid_to) == (EntryResult.CERTIFIED, dt.date(2028, 1, 9))
    est.refresh_from_db()
    assert est.typical_product
    assert est.version == version + 1
    assert AuditEntry.objects.filter(
        action="establishment.typical_product_refresh", object_id=str(est.pk)
    ).exists()
    # decided entries are final
    with pytest.raises(services.WrongState):
        services.entry_score(actor=officer, entry=entry, juror="X", score=50)
    # on the day after expiry the flag goes; before the start it was not there
    assert services.establishment_priority_refresh(on=dt.date(2028, 1, 10)) == 1
    est.refresh_from_db()
    assert not est.typical_product
    call_command("refresh_priority_flags", on="2026-06-01", stdout=open("/dev/null", "w"))  # noqa: SIM115
    est.refresh_from_db()
    assert est.typical_product


def test_certification_is_refused_below_the_pass_mark_or_without_a_number(world, officer):
    low = b.entry(world, scores=(60, 65))
    unscored = b.entry(world, selection=low.selection)
    with pytest.raises(ValidationFailed) as exc:
        services.entry_certify(actor=officer, entry=low, certificate_number="", valid_from=None)
    assert set(_errors(exc)) == {"score", "certificate_number", "valid_from"}
    with pytest.raises(ValidationFailed) as exc:
        services.entry_certify(
            actor=officer, entry=unscored, certificate_number="1", valid_from=dt.date(2025, 1, 1)
        )
    assert "Score" in _errors(exc)["score"]
    good = b.entry(world, selection=low.selection, scores=(90,))
    services.entry_certify(
        actor=officer, entry=good, certificate_number="1/GCN", valid_from=dt.date(2025, 1, 1)
    )
    other = b.entry(world, selection=low.selection, scores=(95,))
    with pytest.raises(ValidationFailed) as exc:
        services.entry_certify(
            actor=officer, entry=other, certificate_number="1/GCN", valid_from=dt.date(2025, 1, 1),
            valid_to=dt.date(2024, 1, 1),
        )  # fmt: skip
    assert set(_errors(exc)) == {"certificate_number", "valid_to"}
    assert SelectionEntry.objects.filter(result=EntryResult.CERTIFIED).count() == 1
    rejected = services.entry_reject(actor=officer, entry=low, note="Chưa đạt")
    assert rejected.result == EntryResult.NOT_SELECTED


def test_certified_products_feed_the_selection_project(world, officer):
    project = make_project(world, "own", ProjectState.IN_PROGRESS, activity="binh-chon-san-pham")
    selection = services.selection_create(
        actor=officer, level=SelectionLevel.PROVINCE, year=2025, name="Khánh Hòa 2025", unit=world.khanh_hoa,
        organiser=world.agency("ttkc-56"), project=project,
    )  # fmt: skip
    assert _achieved(project) == {"san-pham-tieu-bieu": 0}
    entry = b.entry(
        world, selection=selection, establishment=b.establishment(world, world.phan_rang), scores=(88,)
    )
    services.entry_certify(
        actor=officer, entry=entry, certificate_number="9/GCN", valid_from=dt.date(2025, 9, 1)
    )
    assert _achieved(project) == {"san-pham-tieu-bieu": 1}


# --- titles and counts -----------------------------------------------------------------------------


def test_titles_are_checked_against_the_area(world, officer):
    with pytest.raises(ValidationFailed) as exc:
        b.title(world, establishment=b.establishment(world, world.da_nang_commune), unit=world.khanh_hoa)
    assert "establishment" in _errors(exc)
    title = b.title(world, person_name="Đàng Thị Phan", unit=world.khanh_hoa)
    with pytest.raises(ValidationFailed) as exc:
        b.title(world, person_name="đàng thị phan", unit=world.khanh_hoa)
    assert "already" in _errors(exc)["person_name"]
    with pytest.raises(ValidationFailed) as exc:
        services.title_create(
            actor=officer, person_name="A", kind="saint", level="province", year=2025, craft="gốm",
            decision_number="1", unit=world.ha_noi, birth_year=2030,
        )  # fmt: skip
    assert set(_errors(exc)) == {"kind", "unit", "birth_year"}
    assert title.pk


def test_event_counts_by_indicator_for_the_jurisdiction(world, officer):
    own_fair = b.fair(world)
    b.participation(world, fair=own_fair, booths=2)
    b.participation(world, fair=own_fair, booths=1)
    b.participation(world, "foreign", booths=5)
    national = b.fair(world, "foreign", level=FairLevel.NATIONAL)
    b.fair(world, "foreign", level=FairLevel.NATIONAL)  # no Khánh Hòa establishment: not counted
    b.participation(world, fair=national, establishment=b.establishment(world, world.phan_rang), booths=4)
    entry = b.entry(world, scores=(90,))
    services.entry_certify(
        actor=officer, entry=entry, certificate_number="1", valid_from=dt.date(2024, 12, 1)
    )  # a 2024 selection
    b.title(world)
    b.training(world, participants_count=25)
    b.training(world, kind=TrainingKind.WORKSHOP, participants_count=60)
    b.training(world, "foreign", participants_count=99)
    counts = event_counts(officer, 2025)
    assert counts == {
        "hoi-cho": 2,
        "gian-hang": 7,
        "luot-co-so-hoi-cho": 3,
        "san-pham-tieu-bieu": 0,
        "nghe-nhan": 1,
        "hoc-vien": 25,
        "hoi-thao": 1,
        "dai-bieu": 60,
    }
    assert event_counts(officer, 2024)["san-pham-tieu-bieu"] == 1
    assert event_counts(world.user(Role.MINISTRY_OFFICER), 2025)["gian-hang"] == 12


@pytest.mark.parametrize("level", [FairLevel.REGION, FairLevel.NATIONAL, FairLevel.INTERNATIONAL])
def test_fairs_every_province_sees_are_the_ministrys_to_record(world, officer, level):
    """A province officer recorded a national fair that every province then saw; such fairs (open to
    all provinces) are the ministry's record, as regional and national selections are."""
    data = {
        "name": "Hội chợ quốc gia",
        "level": level,
        "place": "Hà Nội",
        "location": world.khanh_hoa,
        "organiser": world.agency("ttkc-56"),
        "start_date": dt.date(2025, 5, 10),
        "end_date": dt.date(2025, 5, 14),
    }
    with pytest.raises(ValidationFailed) as refused:
        services.fair_create(actor=officer, **data)
    assert "level" in refused.value.details["errors"]
    ministry = world.user(Role.MINISTRY_OFFICER)
    assert services.fair_create(actor=ministry, **data).level == level
    assert (
        services.fair_create(actor=officer, **{**data, "level": FairLevel.PROVINCE}).level
        == FairLevel.PROVINCE
    )
