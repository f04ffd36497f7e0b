"""Fairs with the booths establishments took in them, from a spreadsheet (core.imports).

Two sheets of the import workbook whose rows go through the services the fair pages use
(services.fairs: `fair_create`, `participation_add`), each row in its own savepoint (`applies`): the
dry run is rolled back, the confirmation keeps what it wrote, and a service's refusal is the row's
error on the column of its field. What a new row names is resolved first, with the import's own
errors: the unit by GSO code on the fair's start (geo.imports), the organiser among the agencies the
officer sees, the project by its code, the establishment by tax code (or by its name when it has none).

- **Fairs** ("Hội chợ"): natural key the name (folded), the start and the unit's code.
- **Fair participations**: each names its fair by name and start (and the
  unit's code when two fairs share them) — a fair of the same workbook (written by then) or one
  recorded that the officer sees. Natural key the fair and the establishment.

A row that matches a recorded fair or participation with equal values is unchanged; with other values
it is an error: no page edits a fair or a participation, so an import does not either. A recorded
fair is compared with what the export writes (codes), so that the fairs a list only shows — a national
fair elsewhere, organised under the ministry's project — come back unchanged too.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.core.formatting import format_date
from khuyencong.core.imports import (
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    RowErrors,
    choice_names,
    coded,
    in_chunks,
    register,
    text_of,
)
from khuyencong.core.spreadsheets import date_value
from khuyencong.core.text import fold
from khuyencong.establishments.identity import comparable_name, normalize_tax_code
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit

from .choices import FAIR_INDICATORS, FairLevel
from .imports import PROJECT_COLUMN, UNIT_HINT, References, _differs, _labels, _units
from .models import Fair, FairParticipation
from .selectors import participations_visible
from .services.fairs import fair_create, participation_add

FAIRS, PARTICIPATIONS = "fairs", "fair_participations"
YES = {"x", "co", "yes", "1", "true"}  # what marks a fair of the programme
# a service's field → the column it is read from
FAIR_COLUMNS = {
    "name": "name",
    "level": "level",
    "place": "place",
    "location": "location_code",
    "organiser": "organiser_code",
    "start_date": "start_date",
    "end_date": "end_date",
    "booths_total": "booths_total",
    "project": "project_code",
    "note": "note",
}
PARTICIPATION_COLUMNS = {
    "establishment": "establishment_tax_code",
    "booths": "booths",
    "support_amount": "support_amount",
    "project": "project_code",
    "note": "note",
}


def _fair_key(name: str, start: dt.date, location_code: str) -> tuple[str, dt.date, str]:
    return (fold(name), start, location_code)


def _starts(rows: list[tuple[int, dict[str, Any]]], column: str) -> set[dt.date]:
    """The dates the rows give in `column` (those that read as dates)."""
    starts = set()
    for _n, value in rows:
        try:
            starts.add(date_value(value.get(column)))
        except (ValueError, TypeError):
            continue
    return starts


def _unit_label(code: str, name: str) -> str:
    return f"{code} – {name}"


# --- fairs -----------------------------------------------------------------------------------------


@register
class FairImport(ImportKind):
    code = FAIRS
    title = gettext_lazy("Fairs")
    order = 72
    model = Fair
    url_name = "events:fair_detail"
    applies = True
    columns = (
        Column(
            "name",
            gettext_lazy("Name"),
            gettext_lazy("With the start and the place it identifies the fair."),
            required=True,
            example="Hội chợ triển lãm sản phẩm CNNT tỉnh Khánh Hòa 2026",
            width=40,
        ),
        Column(
            "level",
            gettext_lazy("Level"),
            gettext_lazy(
                "Commune or provincial fair; regional, national and international fairs are recorded by "
                "the ministry."
            ),
            required=True,
            example=gettext_lazy("provincial fair"),
        ),
        Column(
            "place",
            gettext_lazy("Venue"),
            gettext_lazy("Where it is held, as written."),
            required=True,
            example="Quảng trường 16/4, Phan Rang",
            width=30,
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
            "start_date",
            gettext_lazy("Start"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="10/05/2026",
        ),
        Column(
            "end_date", gettext_lazy("End"), gettext_lazy("dd/mm/yyyy"), required=True, example="14/05/2026"
        ),
        Column(
            "booths_total",
            gettext_lazy("Standard booths in the fair"),
            gettext_lazy("Empty or 0 when not known; the booths recorded cannot exceed it."),
            example=120,
            width=12,
        ),
        Column(
            "programme_fair",
            gettext_lazy("Fair of the khuyến công programme"),
            gettext_lazy("x for a fair the programme organises (its booths are supported in full)."),
            example="x",
            width=12,
        ),
        Column(
            "project_code",
            gettext_lazy("Organised under project"),
            PROJECT_COLUMN.hint,
            example="",
            width=22,
        ),
        Column("note", gettext_lazy("Note"), example="", width=30),
    )
    # the columns a recorded fair is compared on, as the export writes them
    compared = (
        "level",
        "place",
        "end_date",
        "organiser_code",
        "booths_total",
        "programme_fair",
        "project_code",
        "note",
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "level": _labels(FairLevel),
            "location_code": _units(actor).choices(),
            "organiser_code": [
                f"{code} – {name}"
                for code, name in agencies_visible(actor).order_by("code").values_list("code", "name")
            ],
            "programme_fair": ["x"],
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        agencies = {agency.code: agency for agency in agencies_visible(actor)}
        levels = choice_names(FairLevel.choices)
        recorded = self._recorded(actor, _starts(rows, "start_date"))
        service = RowErrors(errors, FAIRS, FAIR_COLUMNS, "name")
        seen: dict[tuple, int] = {}
        outcomes: list[Outcome] = []
        for number, value in rows:
            cells = Cells(FAIRS, number, value, errors)
            name = cells.text("name", 300, _("Enter the fair's name."))
            level = cells.choice("level", levels)
            place = cells.text("place", 300, _("Enter where the fair is held."))
            start, end = cells.date("start_date"), cells.date("end_date")
            if start and end and end < start:
                cells.error("end_date", "invalid_period", _("The end cannot be before the start."))
            location = coded(value.get("location_code"))
            if not location:
                cells.error("location_code", "required", _("Choose a province or commune from the list."))
            organiser = coded(value.get("organiser_code"))
            if not organiser:
                cells.error("organiser_code", "required", _("Choose an agency you can see."))
            booths = cells.number("booths_total")
            data = {
                "level": level,
                "place": place,
                "end_date": end,
                "organiser_code": organiser,
                "booths_total": booths or 0,
                "programme_fair": fold(text_of(value.get("programme_fair"))) in YES,
                "project_code": text_of(value.get("project_code")),
                "note": cells.text("note", 500),
            }
            if not cells.ok:
                continue
            key = _fair_key(name, start, location)
            if key in seen:
                cells.error(
                    "name", "duplicate_in_file", _("The same fair as row %(row)s.") % {"row": seen[key]}
                )
                continue
            seen[key] = number
            found = recorded.get(key)
            if found is not None:
                changed = [column for column in self.compared if found[column] != data[column]]
                if changed:
                    _differs(number, FAIRS, errors, changed, self.labels(), _("This fair"))
                    continue
                outcomes.append(Outcome(number, "unchanged", data, found["pk"]))
                continue
            # a new fair: what it names, then the service
            unit = refs.unit(cells, "location_code", on=start)
            agency = agencies.get(organiser)
            if agency is None:
                cells.error("organiser_code", "invalid_agency", _("Choose an agency you can see."))
            project = refs.project(cells, FAIR_INDICATORS, on=start)
            if not cells.ok:
                continue
            fair = service.run(
                number,
                value,
                partial(
                    fair_create,
                    actor=actor,
                    name=name,
                    level=level,
                    place=place,
                    location=AdministrativeUnit.objects.get(pk=unit),
                    organiser=agency,
                    start_date=start,
                    end_date=end,
                    booths_total=data["booths_total"],
                    programme_fair=data["programme_fair"],
                    project=project,
                    note=data["note"],
                ),
            )
            if fair is not None:
                outcomes.append(Outcome(number, "new", data, fair.pk))
        rows.clear()
        return outcomes

    def _recorded(self, actor: Any, starts: set[dt.date]) -> dict[tuple, dict[str, Any]]:
        """The fairs the officer sees that start on `starts`, by key, in the export's terms."""
        recorded: dict[tuple, dict[str, Any]] = {}
        for chunk in in_chunks(sorted(starts)):
            for row in (
                restrict(Fair.objects.filter(start_date__in=chunk), actor, Action.VIEW)
                .order_by("pk")
                .values(
                    "pk",
                    "name",
                    "start_date",
                    "location__code",
                    "level",
                    "place",
                    "end_date",
                    "organiser__code",
                    "booths_total",
                    "programme_fair",
                    "project__code",
                    "note",
                )
            ):
                key = _fair_key(row["name"], row["start_date"], row["location__code"])
                row["organiser_code"] = row["organiser__code"]
                row["project_code"] = row["project__code"] or ""
                recorded.setdefault(key, row)
        return recorded

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        pass  # written while checked, by the services (`applies`)

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Iterator[dict[str, Any]]]:
        """The fairs and the participations the officer may see: a national fair's booths are each
        province's own."""
        participations = participations_visible(actor).filter(fair__in=rows.order_by().values("pk"))
        return {FAIRS: self.export_rows(rows), PARTICIPATIONS: PARTICIPATION_KIND.export_rows(participations)}

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        labels = dict(FairLevel.choices)
        for row in (
            rows.prefetch_related(None)
            .values(
                "name",
                "level",
                "place",
                "location__code",
                "location__name",
                "organiser__code",
                "organiser__name",
                "start_date",
                "end_date",
                "booths_total",
                "programme_fair",
                "project__code",
                "note",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                **row,
                "level": str(labels.get(row["level"], row["level"])),
                "location_code": _unit_label(row["location__code"], row["location__name"]),
                "organiser_code": f"{row['organiser__code']} – {row['organiser__name']}",
                "project_code": row["project__code"] or "",
            }


# --- participations --------------------------------------------------------------------------------


@register
class ParticipationImport(ImportKind):
    code = PARTICIPATIONS
    title = gettext_lazy("Fair participations")
    order = 73
    model = FairParticipation
    url_name = ""
    applies = True
    columns = (
        Column(
            "fair_name",
            gettext_lazy("Fair"),
            gettext_lazy("The fair's name, as recorded or as on the fairs' sheet of this workbook."),
            required=True,
            example="Hội chợ triển lãm sản phẩm CNNT tỉnh Khánh Hòa 2026",
            width=40,
        ),
        Column(
            "fair_start_date",
            gettext_lazy("Fair start"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="10/05/2026",
        ),
        Column(
            "fair_location_code",
            gettext_lazy("Fair's province or commune"),
            gettext_lazy("Needed only when two fairs have the same name and start (GSO code – name)."),
            example="",
            width=26,
        ),
        Column(
            "establishment_tax_code",
            gettext_lazy("Establishment's tax code"),
            gettext_lazy("The establishment that took the booths; as text. Empty when it has no tax code."),
            example="0301234562",
            width=20,
        ),
        Column(
            "establishment_name",
            gettext_lazy("Establishment"),
            gettext_lazy(
                "Read when the tax code is empty: the name of the only establishment so named in your "
                "jurisdiction."
            ),
            example="Công ty TNHH Gốm Bàu Trúc",
            width=34,
        ),
        Column("booths", gettext_lazy("Booths"), gettext_lazy("1 when empty."), example=2, width=10),
        Column(
            "support_amount",
            gettext_lazy("Booth support"),
            gettext_lazy("In whole đồng: 12.000.000 or 12 triệu; empty when none."),
            example=24000000,
            width=16,
        ),
        Column(
            "project_code",
            gettext_lazy("Paid by project"),
            PROJECT_COLUMN.hint,
            example="",
            width=22,
        ),
        Column("note", gettext_lazy("Note"), example="", width=30),
    )
    compared = ("booths", "support_amount", "project_code", "note")
    messages = {
        "unknown_fair": gettext_lazy(
            "No fair with this name starts on %(date)s (recorded, or on the fairs' sheet)."
        ),
        "ambiguous_fair": gettext_lazy(
            "Several fairs with this name start on %(date)s: give the province or commune in the next column."
        ),
    }

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        fairs = self._fairs(actor, _starts(rows, "fair_start_date"))
        names = self._names(actor, rows)
        parsed: list[tuple[Cells, dict[str, Any], int, dict[str, Any]]] = []
        for number, value in rows:
            cells = Cells(PARTICIPATIONS, number, value, errors)
            fair = self._fair(cells, fairs)
            establishment = self._establishment(cells, refs, names)
            booths = cells.number("booths", 1)
            support = cells.money("support_amount", required=False)
            data = {
                "booths": 1 if booths is None else booths,
                "support_amount": support or 0,
                "project_code": text_of(value.get("project_code")),
                "note": cells.text("note", 500),
            }
            if cells.ok:
                parsed.append((cells, fair, establishment, data))
        rows.clear()
        recorded = self._recorded({fair["pk"] for _c, fair, _e, _d in parsed})
        service = RowErrors(errors, PARTICIPATIONS, PARTICIPATION_COLUMNS, "establishment_tax_code")
        seen: dict[tuple[int, int], int] = {}
        outcomes: list[Outcome] = []
        for cells, fair, establishment, data in parsed:
            key = (fair["pk"], establishment)
            if key in seen:
                cells.error(
                    "establishment_tax_code",
                    "duplicate_in_file",
                    _("The same establishment at the same fair as row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = cells.row
            found = recorded.get(key)
            if found is not None:
                changed = [column for column in self.compared if found[column] != data[column]]
                if changed:
                    _differs(
                        cells.row, PARTICIPATIONS, errors, changed, self.labels(), _("This participation")
                    )
                    continue
                outcomes.append(Outcome(cells.row, "unchanged", data, found["pk"]))
                continue
            project = refs.project(cells, FAIR_INDICATORS, on=fair["start_date"])
            if not cells.ok:
                continue
            participation = service.run(
                cells.row,
                cells.value,
                partial(
                    participation_add,
                    actor=actor,
                    fair=Fair.objects.get(pk=fair["pk"]),
                    establishment=Establishment.objects.get(pk=establishment),
                    booths=data["booths"],
                    support_amount=data["support_amount"],
                    project=project,
                    note=data["note"],
                ),
            )
            if participation is not None:
                outcomes.append(Outcome(cells.row, "new", data, participation.pk))
        return outcomes

    def _fairs(self, actor: Any, starts: set[dt.date]) -> dict[tuple[str, dt.date], list[dict[str, Any]]]:
        """The fairs the officer sees that start on `starts` (those of this workbook's fairs' sheet
        are written by now), by folded name and start."""
        fairs: dict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for chunk in in_chunks(sorted(starts)):
            for row in restrict(Fair.objects.filter(start_date__in=chunk), actor, Action.VIEW).values(
                "pk", "name", "start_date", "location__code"
            ):
                fairs[(fold(row["name"]), row["start_date"])].append(row)
        return fairs

    def _fair(self, cells: Cells, fairs: dict[tuple[str, dt.date], list[dict[str, Any]]]) -> dict[str, Any]:
        name = cells.text("fair_name", 300, _("Enter the fair's name."))
        start = cells.date("fair_start_date")
        if not cells.ok:
            return {}
        location = coded(cells.value.get("fair_location_code"))
        found = [
            f for f in fairs.get((fold(name), start), []) if not location or f["location__code"] == location
        ]
        if len(found) == 1:
            return found[0]
        code = "ambiguous_fair" if found else "unknown_fair"
        cells.error("fair_name", code, self.messages[code] % {"date": format_date(start)})
        return {}

    def _names(self, actor: Any, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, list[int]]:
        """The establishments of the officer's jurisdiction named by the rows without a tax code."""
        wanted = {
            comparable_name(text_of(value.get("establishment_name")))
            for _n, value in rows
            if not text_of(value.get("establishment_tax_code"))
        } - {""}
        names: dict[str, list[int]] = defaultdict(list)
        for chunk in in_chunks(sorted(wanted)):
            active = Establishment.objects.filter(search_name__in=chunk, merged_into__isnull=True)
            for search_name, pk in restrict(active, actor, Action.CHANGE).values_list("search_name", "pk"):
                names[search_name].append(pk)
        return names

    def _establishment(self, cells: Cells, refs: References, names: dict[str, list[int]]) -> int:
        if normalize_tax_code(text_of(cells.value.get("establishment_tax_code"))):
            found = refs.establishment(cells)
            return found[0] if found else 0
        name = text_of(cells.value.get("establishment_name"))
        if not name:
            cells.error(
                "establishment_tax_code",
                "required",
                _("Enter the establishment's tax code, or its name when it has none."),
            )
            return 0
        matches = names.get(comparable_name(name), [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            cells.error(
                "establishment_name",
                "ambiguous_establishment",
                _("Several establishments of your jurisdiction have this name: give the tax code."),
            )
        else:
            cells.error(
                "establishment_name",
                "unknown_establishment",
                _("No establishment of your jurisdiction has this name: check it or give the tax code."),
            )
        return 0

    def _recorded(self, fairs: set[int]) -> dict[tuple[int, int], dict[str, Any]]:
        recorded = {}
        for chunk in in_chunks(sorted(fairs)):
            for row in FairParticipation.objects.filter(fair_id__in=chunk).values(
                "pk", "fair_id", "establishment_id", "booths", "support_amount", "project__code", "note"
            ):
                row["project_code"] = row["project__code"] or ""
                recorded[(row["fair_id"], row["establishment_id"])] = row
        return recorded

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        pass  # written while checked, by the services (`applies`)

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The participations `rows` (those the officer may see of the fairs listed)."""
        for part in (
            rows.select_related("fair__location", "establishment", "project")
            .order_by("fair__start_date", "fair_id", "pk")
            .iterator(chunk_size=2000)
        ):
            fair = part.fair
            yield {
                "fair_name": fair.name,
                "fair_start_date": fair.start_date,
                "fair_location_code": _unit_label(fair.location.code, fair.location.name),
                "establishment_tax_code": part.establishment.tax_code,
                "establishment_name": part.establishment.name,
                "booths": part.booths,
                "support_amount": part.support_amount,
                "project_code": part.project.code if part.project else "",
                "note": part.note,
            }


PARTICIPATION_KIND = ParticipationImport()
