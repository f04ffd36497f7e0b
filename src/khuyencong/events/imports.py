"""Trainings with their trainees, and artisan titles, from a spreadsheet (core.imports).

Three sheets of the import workbook, checked with the rules of the events' services
(services.trainings, services.titles, services.rules) all rows at once, against what is loaded once:
the units by GSO code and date (geo.imports), the agencies the officer sees, the projects named
(their state, activity and period), the establishments by tax code.

- **Trainings** ("Đào tạo, hội thảo"): natural key title + start date + place. A new row is written
  as `training_create` writes it (audit entry, the project's counts recomputed).
- **Trainees** ("Học viên"): each names its training by title and start date (and place, when two
  trainings share them) — a training of the same workbook or one already recorded. Natural key the
  training, the full name and the establishment. A training's number of participants becomes the
  number listed, as with `trainee_add`.
- **Artisan titles** ("Danh hiệu nghệ nhân"): natural key the person, the title, its level, year and
  unit, as the service refuses a second record of it.

A row that matches a recorded training or title with other values is an error: no page edits a
training or a title once recorded, so an import does not either.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.core.audit import audit_rows
from khuyencong.core.bulk import insert_rows
from khuyencong.core.formatting import format_date
from khuyencong.core.imports import (
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    choice_names,
    coded,
    import_reason,
    in_chunks,
    register,
    text_of,
)
from khuyencong.core.spreadsheets import date_value
from khuyencong.core.text import fold
from khuyencong.establishments.identity import normalize_tax_code
from khuyencong.establishments.models import Establishment
from khuyencong.geo.imports import UnitCodes
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.models import Project
from khuyencong.projects.services import ACHIEVABLE_STATES

from .choices import TITLE_INDICATORS, TRAINING_INDICATORS, TitleKind, TitleLevel, TrainingKind
from .models import ArtisanTitle, Trainee, Training
from .services.rules import project_counts_sync, project_error

TRAININGS, TRAINEES, TITLES = "trainings", "trainees", "artisan_titles"


# what officers write for a training's kind besides the list's labels
TRAINING_WORDS = {
    "dao tao": TrainingKind.TRAINING,
    "khoa dao tao": TrainingKind.TRAINING,
    "lop dao tao": TrainingKind.TRAINING,
    "dao tao nghe": TrainingKind.TRAINING,
    "hoi thao": TrainingKind.WORKSHOP,
    "tap huan": TrainingKind.WORKSHOP,
    "hoi thao tap huan": TrainingKind.WORKSHOP,
}


def _fields(data: dict[str, Any], actor: Any) -> dict[str, Any]:
    """A checked row as `insert_rows` takes it: foreign keys by field name ("location", not the
    column "location_id" the comparisons read)."""
    return {(name[:-3] if name.endswith("_id") else name): value for name, value in data.items()} | {
        "created_by": actor.pk
    }


def _sync_projects(actor: Any, ids: set[int | None]) -> None:
    """The event counts of the projects the rows are counted for, recomputed once for the import."""
    project_counts_sync(actor=actor, projects=list(Project.objects.filter(pk__in=ids - {None})))


def _units(actor: Any) -> UnitCodes:
    return UnitCodes(restrict(AdministrativeUnit.objects.all(), actor, Action.CHANGE))


def _labels(choices: Any) -> list[str]:
    return [str(label) for _value, label in choices.choices]


class References:
    """What the rows name, loaded once for the whole sheet."""

    def __init__(self, actor: Any, rows: list[tuple[int, dict[str, Any]]]):
        self.actor = actor
        self.units = _units(actor)
        codes = {text_of(v.get("project_code")) for _n, v in rows} - {""}
        self.projects: dict[str, Project] = {}
        known: set[str] = set()
        for chunk in in_chunks(sorted(codes)):
            known.update(Project.objects.filter(code__in=chunk).values_list("code", flat=True))
            for project in restrict(
                Project.objects.filter(code__in=chunk), actor, Action.CHANGE
            ).select_related("plan_line__activity"):
                self.projects[project.code] = project
        self.unknown_projects = codes - known
        self._project_errors: dict[tuple, str | None] = {}
        taxes = {normalize_tax_code(text_of(v.get("establishment_tax_code"))) for _n, v in rows} - {""}
        self.establishments: dict[str, tuple[int, int]] = {}  # tax code → (id, commune id), in scope
        known_taxes: set[str] = set()
        for chunk in in_chunks(sorted(taxes)):
            active = Establishment.objects.filter(tax_code__in=chunk, merged_into__isnull=True)
            known_taxes.update(active.values_list("tax_code", flat=True))
            for pk, tax, commune in restrict(active, actor, Action.CHANGE).values_list(
                "pk", "tax_code", "commune_id"
            ):
                self.establishments[tax] = (pk, commune)
        self.unknown_taxes = taxes - known_taxes

    def unit(self, cells: Cells, column: str, **when: Any) -> int | None:
        code = coded(cells.value.get(column))
        if not code:
            cells.error(column, "required", _("Choose a province or commune from the list."))
            return None
        if any(v is None for v in when.values()):
            return None  # the date it is read with is itself wrong
        found = self.units.find(code, **when)
        if found.pk is None:
            cells.error(column, found.code, found.message)
        return found.pk

    def project(self, cells: Cells, indicators: tuple[str, ...], **when: Any) -> Project | None:
        code = text_of(cells.value.get("project_code"))
        if not code:
            return None
        if code in self.unknown_projects:
            cells.error("project_code", "unknown_project", _("No project has this code."))
            return None
        project = self.projects.get(code)
        if project is None:
            cells.error(
                "project_code", "not_in_jurisdiction", _("This project is outside your jurisdiction.")
            )
            return None
        if any(v in (None, 0) for v in when.values()):
            return project
        key = (project.pk, indicators, *when.values())
        if key not in self._project_errors:
            self._project_errors[key] = project_error(self.actor, project, indicators, **when)
        if message := self._project_errors[key]:
            cells.error("project_code", "invalid_project", message)
        return project

    def establishment(self, cells: Cells) -> tuple[int, int] | None:
        tax = normalize_tax_code(text_of(cells.value.get("establishment_tax_code")))
        if not tax:
            return None
        if tax in self.unknown_taxes:
            cells.error(
                "establishment_tax_code",
                "unknown_establishment",
                _("No establishment in the registry has this tax code."),
            )
            return None
        if tax not in self.establishments:
            cells.error(
                "establishment_tax_code",
                "not_in_jurisdiction",
                _("This establishment is outside your jurisdiction or was merged."),
            )
            return None
        return self.establishments[tax]


def _differs(
    number: int, sheet: str, errors: Errors, changed: list[str], labels: dict[str, Any], what: Any
) -> None:
    errors.add(
        sheet,
        number,
        changed[0],
        "record_differs",
        _(
            "%(what)s is already recorded with other values (%(fields)s); "
            "a recorded one is not changed by an import."
        )
        % {"what": what, "fields": ", ".join(str(labels[c]) for c in changed)},
    )


PROJECT_COLUMN = Column(
    "project_code",
    gettext_lazy("Project code"),
    gettext_lazy("The national code of the project it is counted for, if any (approved, not yet accepted)."),
    example="",
    width=22,
)
UNIT_HINT = gettext_lazy(
    "Choose from the list (GSO code – name): the province or commune, as it was on the date."
)


# --- trainings -------------------------------------------------------------------------------------


def _training_key(title: str, start: dt.date, location: int) -> tuple[str, dt.date, int]:
    return (fold(title), start, location)


@register
class TrainingImport(ImportKind):
    code = TRAININGS
    title = gettext_lazy("Trainings and workshops")
    order = 70
    model = Training
    url_name = "events:training_detail"
    columns = (
        Column(
            "kind",
            gettext_lazy("Kind"),
            gettext_lazy("A training course or a workshop or seminar."),
            required=True,
            example=gettext_lazy("training course"),
        ),
        Column(
            "title",
            gettext_lazy("Title"),
            gettext_lazy("With the start and the place it identifies the training."),
            required=True,
            example="Tập huấn kỹ năng quản trị cơ sở CNNT",
            width=40,
        ),
        Column(
            "start_date",
            gettext_lazy("Start"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="12/05/2026",
        ),
        Column(
            "end_date", gettext_lazy("End"), gettext_lazy("dd/mm/yyyy"), required=True, example="14/05/2026"
        ),
        Column(
            "location_code",
            gettext_lazy("Province or commune"),
            UNIT_HINT,
            required=True,
            example="56 – Tỉnh Khánh Hòa",
            width=30,
        ),
        Column(
            "organiser_code",
            gettext_lazy("Organiser"),
            gettext_lazy("Choose from the list (agency code – name)."),
            required=True,
            example="ttkc-56 – Trung tâm Khuyến công Khánh Hòa",
            width=34,
        ),
        Column(
            "participants_count",
            gettext_lazy("Participants"),
            gettext_lazy("The number of participants when they are not listed on the trainees' sheet."),
            example=40,
            width=12,
        ),
        PROJECT_COLUMN,
        Column("note", gettext_lazy("Note"), example="", width=30),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def _agencies(self, actor: Any) -> Any:
        return agencies_visible(actor).order_by("code").values_list("pk", "code", "name")

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "kind": _labels(TrainingKind),
            "location_code": _units(actor).choices(),
            "organiser_code": [f"{code} – {name}" for _pk, code, name in self._agencies(actor)],
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        agencies = {code: pk for pk, code, _name in self._agencies(actor)}
        kinds = choice_names(TrainingKind.choices, TRAINING_WORDS)
        seen: dict[tuple, int] = {}
        checked: list[tuple[int, dict[str, Any]]] = []
        for number, value in rows:
            cells = Cells(TRAININGS, number, value, errors)
            kind = cells.choice("kind", kinds)
            title = cells.text("title", 300, _("Enter the title."))
            start, end = cells.date("start_date"), cells.date("end_date")
            if start and end and end < start:
                cells.error("end_date", "invalid_period", _("The end cannot be before the start."))
            location = refs.unit(cells, "location_code", on=start)
            organiser = agencies.get(coded(value.get("organiser_code")))
            if organiser is None:
                cells.error("organiser_code", "invalid_agency", _("Choose an agency you can see."))
            count = cells.number("participants_count")
            project = refs.project(cells, TRAINING_INDICATORS.get(kind, ()) if kind else (), on=start)
            note = cells.text("note", 500)
            if not cells.ok:
                continue
            key = _training_key(title, start, location)
            if key in seen:
                cells.error(
                    "title", "duplicate_in_file", _("The same training as row %(row)s.") % {"row": seen[key]}
                )
                continue
            seen[key] = number
            data = {
                "kind": kind,
                "title": title,
                "start_date": start,
                "end_date": end,
                "location_id": location,
                "organiser_id": organiser,
                "participants_count": count or 0,
                "project_id": project.pk if project else None,
                "note": note,
            }
            checked.append((number, data))
        rows.clear()
        return self._matched(checked, errors, context)

    def _matched(self, checked: list, errors: Errors, context: dict[str, Any]) -> list[Outcome]:
        if not checked:
            return []
        existing: dict[tuple, dict[str, Any]] = {}
        for chunk in in_chunks(sorted({d["start_date"] for _n, d in checked})):
            for row in (
                Training.objects.filter(start_date__in=chunk)
                .annotate(listed=Count("trainees"))
                .values("pk", "listed", "title", *(name for name in checked[0][1] if name != "title"))
            ):
                existing[_training_key(row["title"], row["start_date"], row["location_id"])] = row
        compared = ("kind", "end_date", "organiser_id", "participants_count", "project_id", "note")
        labels = {
            **self.labels(),
            "organiser_id": self.labels()["organiser_code"],
            "project_id": self.labels()["project_code"],
        }
        outcomes: list[Outcome] = []
        in_file = context.setdefault("trainings", {})  # key → the row's outcome, for the trainees' sheet
        for number, data in checked:
            key = _training_key(data["title"], data["start_date"], data["location_id"])
            found = existing.get(key)
            if found is None:
                outcome = Outcome(number, "new", data)
            else:
                changed = [
                    name
                    for name in compared
                    if found[name] != data[name]
                    # a training whose participants are listed counts them: an export says that number
                    and not (name == "participants_count" and found["listed"])
                ]
                if changed:
                    _differs(number, TRAININGS, errors, changed, labels, _("This training"))
                    continue
                outcome = Outcome(number, "unchanged", data, found["pk"])
            in_file[key] = outcome
            outcomes.append(outcome)
        return outcomes

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        rows = [o.data for o in outcomes if o.outcome == "new"]
        ids = insert_rows(Training, [_fields(row, actor) for row in rows])
        written = context.setdefault("training_ids", {})
        for pk, row in zip(ids, rows, strict=True):
            written[_training_key(row["title"], row["start_date"], row["location_id"])] = pk
        audit_rows(
            actor=actor,
            action="event.training_create",
            model=Training,
            changes=[
                (
                    pk,
                    row["title"],
                    None,
                    {
                        "kind": row["kind"],
                        "title": row["title"],
                        "start_date": row["start_date"].isoformat(),
                        "location": row["location_id"],
                        "participants": row["participants_count"],
                        "project": row["project_id"],
                    },
                )
                for pk, row in zip(ids, rows, strict=True)
            ],
            reason=import_reason(run),
            import_run=run,
        )
        _sync_projects(actor, {row["project_id"] for row in rows})

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Iterator[dict[str, Any]]]:
        return {TRAININGS: self.export_rows(rows), TRAINEES: KINDS_TRAINEES.export_rows(rows)}

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        labels = dict(TrainingKind.choices)
        for row in (
            rows.annotate(listed=Count("trainees"))
            .values(
                "kind",
                "title",
                "start_date",
                "end_date",
                "location__code",
                "location__name",
                "organiser__code",
                "organiser__name",
                "participants_count",
                "listed",
                "project__code",
                "note",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                **row,
                "kind": str(labels.get(row["kind"], row["kind"])),
                "location_code": f"{row['location__code']} – {row['location__name']}",
                "organiser_code": f"{row['organiser__code']} – {row['organiser__name']}",
                # listed participants are counted from the trainees' sheet
                "participants_count": None if row["listed"] else row["participants_count"],
                "project_code": row["project__code"] or "",
            }


# --- trainees --------------------------------------------------------------------------------------


@register
class TraineeImport(ImportKind):
    code = TRAINEES
    title = pgettext_lazy("sheet", "Trainees")
    order = 71
    model = Trainee
    url_name = ""
    columns = (
        Column(
            "training_title",
            gettext_lazy("Training"),
            gettext_lazy("The training's title, as recorded or as on the trainings' sheet of this workbook."),
            required=True,
            example="Tập huấn kỹ năng quản trị cơ sở CNNT",
            width=40,
        ),
        Column(
            "training_start_date",
            gettext_lazy("Training start"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="12/05/2026",
        ),
        Column(
            "training_location_code",
            gettext_lazy("Training place"),
            gettext_lazy("Needed only when two trainings have the same title and start."),
            example="",
            width=26,
        ),
        Column("name", gettext_lazy("Full name"), required=True, example="Nguyễn Thị Hoa", width=28),
        Column(
            "establishment_tax_code",
            gettext_lazy("Establishment's tax code"),
            gettext_lazy("The establishment the participant comes from, if it has a tax code; as text."),
            example="",
            width=20,
        ),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        trainings = self._trainings(actor, rows, context)
        outcomes: list[Outcome] = []
        parsed: list[tuple[Cells, Any, str, int | None]] = []
        for number, value in rows:
            cells = Cells(TRAINEES, number, value, errors)
            training = self._training(cells, refs, trainings)
            name = cells.text("name", 150, _("Enter the participant's full name."))
            establishment = refs.establishment(cells)
            if cells.ok:
                parsed.append((cells, training, name, establishment[0] if establishment else None))
        rows.clear()
        recorded = {t["pk"] for t in trainings.entries() if t.get("pk")}
        listed: set[tuple] = set()
        for chunk in in_chunks(sorted(recorded)):
            for training, name, establishment in Trainee.objects.filter(training_id__in=chunk).values_list(
                "training_id", "name", "establishment_id"
            ):
                listed.add((("pk", training), name.casefold(), establishment))
        seen: dict[tuple, int] = {}
        for cells, training, name, establishment in parsed:
            ref = ("pk", training["pk"]) if training.get("pk") else ("file", training["key"])
            key = (ref, name.casefold(), establishment)
            if key in seen:
                cells.error(
                    "name",
                    "duplicate_in_file",
                    _("The same participant as row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = cells.row
            data = {"training": training, "name": name, "establishment_id": establishment}
            outcomes.append(
                Outcome(cells.row, "unchanged" if key in listed else "new", data, training.get("pk"))
            )
        return outcomes

    def _trainings(self, actor: Any, rows: list, context: dict[str, Any]) -> "Trainings":
        starts: set[dt.date] = set()
        for _n, value in rows:
            try:
                starts.add(date_value(value.get("training_start_date")))
            except (ValueError, TypeError):
                continue
        return Trainings(actor, starts, context.get("trainings", {}))

    def _training(self, cells: Cells, refs: References, trainings: "Trainings") -> dict[str, Any]:
        title = cells.text("training_title", 300, _("Enter the training's title."))
        start = cells.date("training_start_date")
        location = None
        if coded(cells.value.get("training_location_code")):
            location = refs.unit(cells, "training_location_code", on=start)
        if not cells.ok:
            return {}
        found = trainings.find(fold(title), start, location)
        if isinstance(found, str):
            cells.error("training_title", found, trainings.messages[found] % {"date": format_date(start)})
            return {}
        return found

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        written = context.get("training_ids", {})
        rows = []
        for outcome in outcomes:
            training = outcome.data["training"]
            pk = training.get("pk") or written[training["key"]]
            rows.append(
                {
                    "training_id": pk,
                    "name": outcome.data["name"],
                    "establishment_id": outcome.data["establishment_id"],
                    "created_by": actor.pk,
                }
            )
        if not rows:
            return
        insert_rows(Trainee, [_fields(row, actor) for row in rows])
        touched = sorted({row["training_id"] for row in rows})
        counts: dict[int, int] = {}
        before: dict[int, int] = {}
        projects: set[int] = set()
        for chunk in in_chunks(touched):
            for pk, listed, participants, project in (
                Training.objects.filter(pk__in=chunk)
                .annotate(listed=Count("trainees"))
                .values_list("pk", "listed", "participants_count", "project_id")
            ):
                counts[pk], before[pk] = listed, participants
                if project:
                    projects.add(project)
        for pk in touched:
            Training.objects.filter(pk=pk).update(participants_count=counts[pk])
        # as trainee_add audits each: on its training, the number of participants before and after
        # (the first one replaces the typed number; those listed before the import are counted)
        added = defaultdict(int)
        for row in rows:
            added[row["training_id"]] += 1
        position: dict[int, int] = defaultdict(int)
        changes = []
        for row in rows:
            pk = row["training_id"]
            listed = counts[pk] - added[pk] + position[pk]  # before this one
            changes.append(
                (
                    pk,
                    row["name"],
                    {"participants": before[pk] if position[pk] == 0 else listed},
                    {
                        "participants": listed + 1,
                        "name": row["name"],
                        "establishment": row["establishment_id"],
                    },
                )
            )
            position[pk] += 1
        audit_rows(
            actor=actor,
            action="event.trainee_add",
            model=Training,
            changes=changes,
            reason=import_reason(run),
            import_run=run,
        )
        _sync_projects(actor, projects)

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The trainees of the trainings `rows`."""
        ambiguous = set()
        seen = set()
        for title, start in rows.values_list("title", "start_date").iterator(chunk_size=2000):
            key = (fold(title), start)
            (ambiguous if key in seen else seen).add(key)
        for row in (
            Trainee.objects.filter(training__in=rows.values("pk"))
            .order_by("training__start_date", "training_id", "name", "pk")
            .values(
                "training__title",
                "training__start_date",
                "training__location__code",
                "training__location__name",
                "name",
                "establishment__tax_code",
            )
            .iterator(chunk_size=2000)
        ):
            key = (fold(row["training__title"]), row["training__start_date"])
            yield {
                "training_title": row["training__title"],
                "training_start_date": row["training__start_date"],
                "training_location_code": (
                    f"{row['training__location__code']} – {row['training__location__name']}"
                    if key in ambiguous
                    else ""
                ),
                "name": row["name"],
                "establishment_tax_code": row["establishment__tax_code"] or "",
            }


class Trainings:
    """The trainings a trainee row may name: those of the workbook, and those recorded that start on
    the dates the rows give (within the officer's jurisdiction)."""

    messages = {
        "unknown_training": gettext_lazy(
            "No training with this title starts on %(date)s (recorded, or on the trainings' sheet)."
        ),
        "ambiguous_training": gettext_lazy(
            "Several trainings with this title start on %(date)s: choose the place in the next column."
        ),
        "training_outside": gettext_lazy("This training is outside your jurisdiction."),
        "training_final": gettext_lazy(
            "The project of this training is accepted, closed or stopped: "
            "its participants can no longer change."
        ),
    }

    def __init__(self, actor: Any, starts: set[dt.date], in_file: dict[tuple, Outcome]):
        self.index: dict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for key, outcome in in_file.items():
            entry = {
                "key": key,
                "location": key[2],
                "pk": outcome.existing if outcome.outcome == "unchanged" else None,
            }
            self.index[(key[0], key[1])].append(entry)
        mine: set[int] = set()
        for chunk in in_chunks(sorted(starts)):
            records = Training.objects.filter(start_date__in=chunk)
            mine.update(restrict(records, actor, Action.CHANGE).values_list("pk", flat=True))
            for pk, title, start, location, state in records.values_list(
                "pk", "title", "start_date", "location_id", "project__state"
            ):
                key = (fold(title), start, location)
                if key in in_file:
                    continue  # the same as a row of the trainings' sheet
                self.index[(key[0], start)].append(
                    {"key": key, "location": location, "pk": pk, "mine": pk in mine, "state": state}
                )

    def entries(self) -> Iterator[dict[str, Any]]:
        for entries in self.index.values():
            yield from entries

    def find(self, title: str, start: dt.date, location: int | None) -> dict[str, Any] | str:
        entries = [
            e for e in self.index.get((title, start), []) if location is None or e["location"] == location
        ]
        if not entries:
            return "unknown_training"
        if len(entries) > 1:
            return "ambiguous_training"
        entry = entries[0]
        if entry.get("mine") is False:
            return "training_outside"
        if entry.get("state") and entry["state"] not in ACHIEVABLE_STATES:
            return "training_final"
        return entry


KINDS_TRAINEES = TraineeImport()


# --- artisan titles --------------------------------------------------------------------------------


@register
class TitleImport(ImportKind):
    code = TITLES
    title = gettext_lazy("Artisan titles")
    order = 75
    model = ArtisanTitle
    url_name = ""
    columns = (
        Column("person_name", gettext_lazy("Full name"), required=True, example="Trần Văn Bình", width=28),
        Column("birth_year", gettext_lazy("Year of birth"), example=1962, width=10),
        Column(
            "kind",
            gettext_lazy("Honorary title"),
            gettext_lazy("Artisan, master craftsman, or person who brought the craft to the locality."),
            required=True,
            example=gettext_lazy("artisan"),
        ),
        Column(
            "level",
            gettext_lazy("Level"),
            gettext_lazy("Provincial or national."),
            required=True,
            example=gettext_lazy("provincial"),
        ),
        Column("year", gettext_lazy("Year"), required=True, example=2025, width=10),
        Column("craft", gettext_lazy("Craft"), required=True, example="Gốm Bàu Trúc", width=24),
        Column(
            "decision_number",
            gettext_lazy("Decision number"),
            required=True,
            example="1234/QĐ-UBND",
            width=20,
        ),
        Column(
            "decision_date",
            gettext_lazy("Decision date"),
            gettext_lazy("dd/mm/yyyy, in the title's year."),
            example="15/10/2025",
        ),
        Column(
            "unit_code",
            gettext_lazy("Where the person works"),
            UNIT_HINT,
            required=True,
            example="56 – Tỉnh Khánh Hòa",
            width=30,
        ),
        Column(
            "establishment_tax_code",
            gettext_lazy("Establishment's tax code"),
            gettext_lazy("The establishment the person works in, if it has a tax code; as text."),
            example="",
            width=20,
        ),
        PROJECT_COLUMN,
    )
    compared = ("birth_year", "craft", "decision_number", "decision_date", "establishment_id", "project_id")

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "kind": _labels(TitleKind),
            "level": _labels(TitleLevel),
            "unit_code": _units(actor).choices(),
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        kinds, levels = choice_names(TitleKind.choices), choice_names(TitleLevel.choices)
        checked: list[tuple[Cells, dict[str, Any], int | None]] = []
        for number, value in rows:
            cells = Cells(TITLES, number, value, errors)
            person = cells.text("person_name", 150, _("Enter the person's full name."))
            kind, level = cells.choice("kind", kinds), cells.choice("level", levels)
            if text_of(value.get("year")) == "":
                cells.error(
                    "year", "required", _("Enter a year between %(a)s and %(b)s.") % {"a": 2000, "b": 2100}
                )
            year = cells.number("year", 2000, 2100)
            craft = cells.text("craft", 200, _("Enter the craft."))
            decision = cells.text("decision_number", 60, _("Enter the number of the awarding decision."))
            decided = cells.date("decision_date", required=False)
            if decided and year and decided.year != year:
                cells.error(
                    "decision_date",
                    "invalid_date",
                    _("The decision date is not in %(year)s.") % {"year": year},
                )
            born = cells.number("birth_year", 1900)
            if born is not None and year and born >= year:
                cells.error(
                    "birth_year", "invalid_number", _("The year of birth must be before the title's year.")
                )
            unit = (
                refs.unit(cells, "unit_code", on=decided)
                if decided
                else refs.unit(cells, "unit_code", year=year)
            )
            establishment = refs.establishment(cells)
            project = refs.project(cells, TITLE_INDICATORS, year=year)
            if not cells.ok:
                continue
            data = {
                "person_name": person,
                "birth_year": born,
                "kind": kind,
                "level": level,
                "year": year,
                "craft": craft,
                "decision_number": decision,
                "decision_date": decided,
                "unit_id": unit,
                "establishment_id": establishment[0] if establishment else None,
                "project_id": project.pk if project else None,
            }
            checked.append((cells, data, establishment[1] if establishment else None))
        rows.clear()
        return self._matched(checked)

    def _matched(self, checked: list) -> list[Outcome]:
        units = {data["unit_id"] for _c, data, _e in checked}
        communes = {commune for *_x, commune in checked if commune}
        within: dict[int, set[int]] = {}  # commune → the units that contain it
        for chunk in in_chunks(sorted(communes)):
            for pk, parent, province, current, successor in AdministrativeUnit.objects.filter(
                pk__in=chunk
            ).values_list("pk", "parent_id", "province_id", "current_province_id", "successor_id"):
                within[pk] = {pk, parent, province, current, successor}
        existing: dict[tuple, dict[str, Any]] = {}
        for chunk in in_chunks(sorted(units)):
            for row in ArtisanTitle.objects.filter(unit_id__in=chunk).values(
                "pk", "person_name", "kind", "level", "year", "unit_id", *self.compared
            ):
                existing[
                    (row["person_name"].casefold(), row["kind"], row["level"], row["year"], row["unit_id"])
                ] = row
        labels = {
            **self.labels(),
            "establishment_id": self.labels()["establishment_tax_code"],
            "project_id": self.labels()["project_code"],
        }
        seen: dict[tuple, int] = {}
        outcomes: list[Outcome] = []
        for cells, data, commune in checked:
            # as geo.selectors.containment_q: the commune itself, its district or province, the
            # current province it rolls up into, the current commune it merged into
            if commune is not None and data["unit_id"] not in within.get(commune, set()):
                cells.error(
                    "establishment_tax_code",
                    "not_in_unit",
                    _("This establishment is not in the chosen province or commune."),
                )
                continue
            key = (data["person_name"].casefold(), data["kind"], data["level"], data["year"], data["unit_id"])
            if key in seen:
                cells.error(
                    "person_name",
                    "duplicate_in_file",
                    _("The same title as row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = cells.row
            found = existing.get(key)
            if found is None:
                outcomes.append(Outcome(cells.row, "new", data))
                continue
            changed = [name for name in self.compared if found[name] != data[name]]
            if changed:
                _differs(cells.row, TITLES, cells.errors, changed, labels, _("This title"))
                continue
            outcomes.append(Outcome(cells.row, "unchanged", data, found["pk"]))
        return outcomes

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        rows = [o.data for o in outcomes if o.outcome == "new"]
        ids = insert_rows(ArtisanTitle, [_fields(row, actor) for row in rows])
        audit_rows(
            actor=actor,
            action="event.title_create",
            model=ArtisanTitle,
            changes=[
                (
                    pk,
                    f"{row['person_name']}",
                    None,
                    {
                        "person": row["person_name"],
                        "kind": row["kind"],
                        "level": row["level"],
                        "year": row["year"],
                        "decision": row["decision_number"],
                        "unit": row["unit_id"],
                        "establishment": row["establishment_id"],
                        "project": row["project_id"],
                    },
                )
                for pk, row in zip(ids, rows, strict=True)
            ],
            reason=import_reason(run),
            import_run=run,
        )
        _sync_projects(actor, {row["project_id"] for row in rows})

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        kinds, levels = dict(TitleKind.choices), dict(TitleLevel.choices)
        for row in rows.values(
            "person_name",
            "birth_year",
            "kind",
            "level",
            "year",
            "craft",
            "decision_number",
            "decision_date",
            "unit__code",
            "unit__name",
            "establishment__tax_code",
            "project__code",
        ).iterator(chunk_size=2000):
            yield {
                **row,
                "kind": str(kinds.get(row["kind"], row["kind"])),
                "level": str(levels.get(row["level"], row["level"])),
                "unit_code": f"{row['unit__code']} – {row['unit__name']}",
                "establishment_tax_code": row["establishment__tax_code"] or "",
                "project_code": row["project__code"] or "",
            }
