"""Typical-product selections with their entries, jury scores and certificates, from a spreadsheet
(core.imports).

Two sheets of the import workbook. Each row goes through the services the selection pages use
(services.selections: `applies`), in its own savepoint, so that it is checked by the very rules the
pages apply; the dry run is rolled back, the confirmation keeps what the rows wrote.

- **Product selections** ("Bình chọn sản phẩm"): natural key the level, the year and the area
  (the unit of a commune, district or provincial selection, the region of a regional one, none for
  the national one), as `selection_create` refuses a second selection of them. A recorded selection
  with other values is an error: no page edits a selection once recorded.
- **Selection entries** ("Sản phẩm dự bình chọn"): each names its selection by level, year and area —
  one of the same workbook or one recorded —, the establishment by tax code and the product. Natural
  key the selection, the establishment and the product's name (folded). The jurors' scores are one
  cell ("Giám khảo A: 85; Giám khảo B: 90,5"); the result is empty (awaiting it), certified (with the
  certificate) or not selected. A recorded entry still awaiting its result takes new or corrected
  scores and its result (`entry_score`, `entry_certify`, `entry_reject`); any other difference with a
  recorded entry is an error.

The list's "for editing" export holds the selections and the entries the officer sees (those of
establishments without a tax code cannot be named by a row, and are left out).
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.accounts.selectors import agencies_visible
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
from khuyencong.core.text import fold
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.imports import UnitCodes
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.projects.models import Project

from .choices import UNIT_SELECTION_LEVELS, EntryResult, ProductGroup, SelectionLevel
from .imports import PROJECT_COLUMN, References, _differs, _labels
from .models import ProductSelection, SelectionEntry
from .selectors import entries_visible
from .services.selections import entry_add, entry_certify, entry_reject, entry_score, selection_create

SELECTIONS, ENTRIES = "selections", "selection_entries"

# what officers write besides the lists' labels
LEVEL_WORDS = {
    "xa": SelectionLevel.COMMUNE,
    "huyen": SelectionLevel.DISTRICT,
    "tinh": SelectionLevel.PROVINCE,
    "khu vuc": SelectionLevel.REGION,
    "vung": SelectionLevel.REGION,
    "quoc gia": SelectionLevel.NATIONAL,
    "toan quoc": SelectionLevel.NATIONAL,
}
GROUP_WORDS = {
    "thuc pham": ProductGroup.FOOD,
    "thu cong my nghe": ProductGroup.HANDICRAFT,
    "co khi": ProductGroup.MACHINERY,
    "khac": ProductGroup.OTHER,
}
RESULT_WORDS = {
    "dat": EntryResult.CERTIFIED,
    "cong nhan": EntryResult.CERTIFIED,
    "khong dat": EntryResult.NOT_SELECTED,
    "rejected": EntryResult.NOT_SELECTED,
}

AREA_HINT = gettext_lazy(
    "Choose from the list: the unit (GSO code – name) of a commune, district or provincial selection, "
    "as it was in the selection's year; the region (code – name) of a regional one; empty for the "
    "national one."
)


def _units(actor: Any) -> UnitCodes:
    """The units that hold selections: provinces, districts (until 2025) and communes."""
    return UnitCodes(
        restrict(AdministrativeUnit.objects.all(), actor, Action.CHANGE),
        levels=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE),
    )


def _area_choices(actor: Any) -> list[str]:
    regions = [f"{code} – {name}" for code, name in Region.objects.values_list("code", "name")]
    return _units(actor).choices() + regions


def _area(selection: ProductSelection) -> str:
    """A selection's area as the area columns take it back."""
    if selection.unit_id:
        return f"{selection.unit.code} – {selection.unit.name}"
    if selection.region_id:
        return f"{selection.region.code} – {selection.region.name}"
    return ""


def _exported(number: Decimal | None) -> int | float | None:
    """A score or pass mark as a number cell."""
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _decimal(value: Any) -> Decimal | None:
    """A score typed as 85, 82.5 or "82,5" (None when it is no number; the service checks the range)."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- selections ------------------------------------------------------------------------------------


@register
class SelectionImport(ImportKind):
    code = SELECTIONS
    # ≤ 31 characters in every language: "Typical-product selections" is translated with 33
    title = gettext_lazy("Product selections")
    order = 80
    model = ProductSelection
    url_name = "events:selection_detail"
    applies = True
    columns = (
        Column(
            "level",
            gettext_lazy("Level"),
            gettext_lazy("Commune and district selections were held until 2024; then provincial."),
            required=True,
            example=gettext_lazy("provincial level"),
        ),
        Column("year", gettext_lazy("Year"), required=True, example=2025, width=10),
        Column("area_code", gettext_lazy("Area"), AREA_HINT, example="56 – Tỉnh Khánh Hòa", width=30),
        Column(
            "name",
            gettext_lazy("Name"),
            required=True,
            example="Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh năm 2025",
            width=40,
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
            "pass_score",
            gettext_lazy("Pass mark"),
            gettext_lazy("Out of 100, e.g. 70 or 72,5; empty: 70."),
            example=70,
            width=10,
        ),
        Column(
            "certificate_years",
            gettext_lazy("Certificate validity (years)"),
            gettext_lazy("From 1 to 10; empty: 3. Used when a certificate is issued without an end date."),
            example=3,
            width=12,
        ),
        Column("decision_number", gettext_lazy("Decision number"), example="1234/QĐ-UBND", width=20),
        Column(
            "decision_date",
            gettext_lazy("Decision date"),
            gettext_lazy("dd/mm/yyyy."),
            example="15/10/2025",
        ),
        PROJECT_COLUMN,
    )
    # a service's field → the column it is read from
    fields = {
        "level": "level",
        "year": "year",
        "name": "name",
        "organiser": "organiser_code",
        "unit": "area_code",
        "region": "area_code",
        "pass_score": "pass_score",
        "certificate_years": "certificate_years",
        "decision_number": "decision_number",
        "decision_date": "decision_date",
        "project": "project_code",
    }
    # the recorded selection's value of each column compared
    compared = {
        "name": "name",
        "organiser_code": "organiser_id",
        "pass_score": "pass_score",
        "certificate_years": "certificate_years",
        "decision_number": "decision_number",
        "decision_date": "decision_date",
        "project_code": "project_id",
    }

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def _agencies(self, actor: Any) -> Any:
        return agencies_visible(actor).order_by("code")

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "level": _labels(SelectionLevel),
            "area_code": _area_choices(actor),
            "organiser_code": [f"{a.code} – {a.name}" for a in self._agencies(actor)],
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        units = _units(actor)
        # any agency and project by code: a recorded selection is compared with them, a new one's are
        # checked by the service (an agency the officer sees; a project of theirs that counts
        # selections, under way in the year)
        agencies = {agency.code: agency for agency in Agency.objects.all()}
        projects = self._projects(rows)
        regions = {region.code: region for region in Region.objects.all()}
        levels = choice_names(SelectionLevel.choices, LEVEL_WORDS)
        service = RowErrors(errors, SELECTIONS, self.fields, "level")
        seen: dict[tuple, int] = {}
        outcomes: list[Outcome] = []
        for number, value in rows:
            cells = Cells(SELECTIONS, number, value, errors)
            level = cells.choice("level", levels)
            if text_of(value.get("year")) == "":
                cells.error(
                    "year", "required", _("Enter a year between %(a)s and %(b)s.") % {"a": 2000, "b": 2100}
                )
            year = cells.number("year", 2000, 2100)
            name = cells.text("name", 300, _("Enter the selection's name."))
            organiser = agencies.get(coded(value.get("organiser_code")))
            if organiser is None:
                cells.error("organiser_code", "invalid_agency", _("Choose an agency you can see."))
            pass_score = Decimal(70)
            if text_of(value.get("pass_score")):
                pass_score = _decimal(value.get("pass_score"))
                if pass_score is None:
                    cells.error("pass_score", "invalid_score", _("Enter a score from 0 to 100, e.g. 82,5."))
            years = cells.number("certificate_years", 1)
            decision_number = cells.text("decision_number", 60)
            decided = cells.date("decision_date", required=False)
            unit, region = self._area(cells, level, year, decided, units, regions)
            project = projects.get(text_of(value.get("project_code")))
            if text_of(value.get("project_code")) and project is None:
                cells.error("project_code", "unknown_project", _("No project has this code."))
            if not cells.ok:
                continue
            key = (level, year, unit.pk if unit else None, region.pk if region else None)
            if key in seen:
                cells.error(
                    "area_code",
                    "duplicate_in_file",
                    _("The same selection as row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = number
            data = {
                "level": level,
                "year": year,
                "name": name,
                "organiser": organiser,
                "unit": unit,
                "region": region,
                "pass_score": pass_score,
                "certificate_years": 3 if years is None else years,
                "decision_number": decision_number,
                "decision_date": decided,
                "project": project,
            }
            found = ProductSelection.objects.filter(level=level, year=year, unit=unit, region=region).first()
            if found is None:
                made = service.run(number, value, partial(selection_create, actor=actor, **data))
                if made is not None:
                    outcomes.append(Outcome(number, "new", data, made.pk))
                continue
            values = {
                **data,
                "organiser_id": organiser.pk,
                "project_id": project.pk if project else None,
            }
            changed = [
                column for column, field in self.compared.items() if getattr(found, field) != values[field]
            ]
            if changed:
                _differs(number, SELECTIONS, errors, changed, self.labels(), _("This selection"))
                continue
            outcomes.append(Outcome(number, "unchanged", data, found.pk))
        rows.clear()
        return outcomes

    def _projects(self, rows: list[tuple[int, dict[str, Any]]]) -> dict[str, Project]:
        codes = sorted({text_of(value.get("project_code")) for _n, value in rows} - {""})
        return {p.code: p for chunk in in_chunks(codes) for p in Project.objects.filter(code__in=chunk)}

    def _area(
        self,
        cells: Cells,
        level: str,
        year: int | None,
        decided: dt.date | None,
        units: UnitCodes,
        regions: dict[str, Region],
    ) -> tuple[Any, Any]:
        """The unit or the region that holds the selection (None, None for the national one)."""
        code = coded(cells.value.get("area_code"))
        if level in UNIT_SELECTION_LEVELS:
            if not code:
                cells.error("area_code", "required", _("Choose the unit that holds the selection."))
            elif year is not None:
                # in the year; on the decision date when it falls in it (a merged province's code
                # names two units in 2025)
                when = {"on": decided} if decided and decided.year == year else {"year": year}
                found = units.find(code, **when)
                if found.pk is None:
                    cells.error("area_code", found.code, found.message)
                else:
                    return AdministrativeUnit.objects.get(pk=found.pk), None
        elif level == SelectionLevel.REGION:
            if code not in regions:
                cells.error(
                    "area_code",
                    "unknown_region" if code else "required",
                    _("Choose the region from the list."),
                )
            return None, regions.get(code)
        elif level and code:
            cells.error("area_code", "invalid_area", _("A national selection has no area: leave it empty."))
        return None, None

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        """Nothing left: the rows were written by the services while checked (`applies`)."""

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Iterator[dict[str, Any]]]:
        """The selections and the entries the officer sees (a national selection's come from every
        province)."""
        entries = entries_visible(actor).filter(selection__in=rows.order_by().values("pk"))
        return {SELECTIONS: self.export_rows(rows), ENTRIES: ENTRY_KIND.export_rows(entries)}

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        levels = dict(SelectionLevel.choices)
        for selection in rows.iterator(chunk_size=500):
            yield {
                "level": str(levels[selection.level]),
                "year": selection.year,
                "area_code": _area(selection),
                "name": selection.name,
                "organiser_code": f"{selection.organiser.code} – {selection.organiser.name}",
                "pass_score": _exported(selection.pass_score),
                "certificate_years": selection.certificate_years,
                "decision_number": selection.decision_number,
                "decision_date": selection.decision_date,
                "project_code": selection.project.code if selection.project_id else "",
            }


# --- entries ---------------------------------------------------------------------------------------


def _scores_text(scores: dict[str, Decimal]) -> str:
    """ "Giám khảo A: 85; Giám khảo B: 90,5" """
    return "; ".join(
        f"{juror}: {format(score.normalize(), 'f').replace('.', ',')}" for juror, score in scores.items()
    )


@register
class EntryImport(ImportKind):
    code = ENTRIES
    title = gettext_lazy("Selection entries")
    order = 81
    model = SelectionEntry
    url_name = ""
    applies = True
    columns = (
        Column(
            "selection_level",
            gettext_lazy("Selection level"),
            gettext_lazy(
                "With the year and the area it names the selection: recorded, or on the "
                "selections' sheet of this workbook."
            ),
            required=True,
            example=gettext_lazy("provincial level"),
        ),
        Column("selection_year", gettext_lazy("Selection year"), required=True, example=2025, width=10),
        Column(
            "selection_area_code",
            gettext_lazy("Selection area"),
            AREA_HINT,
            example="56 – Tỉnh Khánh Hòa",
            width=30,
        ),
        Column(
            "establishment_tax_code",
            gettext_lazy("Establishment's tax code"),
            gettext_lazy("The establishment that entered the product; as text."),
            required=True,
            example="0301234562",
            width=20,
        ),
        Column("product_name", gettext_lazy("Product"), required=True, example="Gốm Bàu Trúc", width=30),
        Column(
            "product_group",
            gettext_lazy("Product group"),
            required=True,
            example=gettext_lazy("handicrafts and fine-art products"),
            width=30,
        ),
        Column(
            "scores",
            gettext_lazy("Jury scores"),
            gettext_lazy(
                "Each juror's score out of 100 as “juror: score”, separated by “;” — e.g. "
                "“Giám khảo A: 85; Giám khảo B: 90,5”. The entry's score is their average."
            ),
            example="Giám khảo A: 85; Giám khảo B: 90,5",
            width=40,
        ),
        Column(
            "result",
            gettext_lazy("Result"),
            gettext_lazy(
                "Empty while awaiting the result; certified (with the certificate) or not selected."
            ),
            example=gettext_lazy("certified"),
        ),
        Column(
            "certificate_number",
            gettext_lazy("Certificate number"),
            gettext_lazy("For a certified product."),
            example="12/GCN-SCT",
            width=20,
        ),
        Column(
            "certificate_valid_from",
            gettext_lazy("Valid from"),
            gettext_lazy("dd/mm/yyyy"),
            example="20/10/2025",
        ),
        Column(
            "certificate_valid_to",
            gettext_lazy("Valid to"),
            gettext_lazy("dd/mm/yyyy; empty: the selection's certificate validity."),
            example="",
        ),
        Column("result_note", gettext_lazy("Note on the result"), example="", width=30),
    )
    fields = {
        "establishment": "establishment_tax_code",
        "product_name": "product_name",
        "product_group": "product_group",
        "juror": "scores",
        "score": "scores",
        "certificate_number": "certificate_number",
        "valid_from": "certificate_valid_from",
        "valid_to": "certificate_valid_to",
        "note": "result_note",
    }
    certificate = ("certificate_number", "certificate_valid_from", "certificate_valid_to")
    messages = {
        "unknown_selection": gettext_lazy(
            "No selection of this level, year and area (recorded, or on the selections' sheet)."
        ),
        "ambiguous_selection": gettext_lazy(
            "Several selections of this level and year are held by units with this code."
        ),
        "not_in_jurisdiction": gettext_lazy("This selection is outside your jurisdiction."),
    }

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "selection_level": _labels(SelectionLevel),
            "selection_area_code": _area_choices(actor),
            "product_group": _labels(ProductGroup),
            "result": _labels(EntryResult),
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = References(actor, rows)
        levels = choice_names(SelectionLevel.choices, LEVEL_WORDS)
        groups = choice_names(ProductGroup.choices, GROUP_WORDS)
        results = choice_names(EntryResult.choices, RESULT_WORDS)
        service = RowErrors(errors, ENTRIES, self.fields, "selection_area_code")
        selections: dict[tuple, ProductSelection | str] = {}
        seen: dict[tuple, int] = {}
        outcomes: list[Outcome] = []
        for number, value in rows:
            cells = Cells(ENTRIES, number, value, errors)
            selection = self._selection(actor, cells, levels, selections)
            if not text_of(value.get("establishment_tax_code")):
                cells.error("establishment_tax_code", "required", _("Enter the establishment's tax code."))
            establishment = refs.establishment(cells)
            name = cells.text("product_name", 300, _("Enter the product's name."))
            group = cells.choice("product_group", groups)
            scores = self._scores(cells)
            result = cells.choice("result", results) if text_of(value.get("result")) else EntryResult.PENDING
            data = {
                "product_group": group,
                "scores": scores,
                "result": result,
                "certificate_number": cells.text("certificate_number", 60),
                "certificate_valid_from": cells.date("certificate_valid_from", required=False),
                "certificate_valid_to": cells.date("certificate_valid_to", required=False),
                "result_note": cells.text("result_note", 500),
            }
            self._decision(cells, data)
            if not cells.ok or selection is None or establishment is None:
                continue
            key = (selection.pk, establishment[0], fold(name))
            if key in seen:
                cells.error(
                    "product_name",
                    "duplicate_in_file",
                    _("The same product as row %(row)s.") % {"row": seen[key]},
                )
                continue
            seen[key] = number
            found = next(
                (
                    entry
                    for entry in SelectionEntry.objects.filter(
                        selection=selection, establishment_id=establishment[0]
                    ).prefetch_related("scores")
                    if fold(entry.product_name) == fold(name)
                ),
                None,
            )
            if found is None:
                made = service.run(
                    number, value, partial(self._add, actor, selection, establishment[0], name, data)
                )
                if made is not None:
                    outcomes.append(Outcome(number, "new", data, made.pk))
                continue
            outcome = self._recorded(actor, cells, service, found, data)
            if outcome is not None:
                outcomes.append(outcome)
        rows.clear()
        return outcomes

    def _selection(
        self, actor: Any, cells: Cells, levels: dict[str, Any], found: dict[tuple, Any]
    ) -> ProductSelection | None:
        """The selection a row names by level, year and area: of this workbook (written while its
        sheet was checked) or recorded."""
        level = cells.choice("selection_level", levels)
        if text_of(cells.value.get("selection_year")) == "":
            cells.error("selection_year", "required", _("Enter the selection's year."))
        year = cells.number("selection_year", 2000, 2100)
        code = coded(cells.value.get("selection_area_code"))
        if not level or year is None:
            return None
        key = (level, year, code)
        if key not in found:
            matching = ProductSelection.objects.filter(level=level, year=year)
            if level in UNIT_SELECTION_LEVELS:
                matching = matching.filter(unit__code=code)
            elif level == SelectionLevel.REGION:
                matching = matching.filter(region__code=code)
            elif code:
                matching = matching.none()
            visible = list(restrict(matching, actor, Action.VIEW)[:2])
            if len(visible) == 1:
                found[key] = visible[0]
            elif visible:
                found[key] = "ambiguous_selection"
            else:
                found[key] = "not_in_jurisdiction" if matching.exists() else "unknown_selection"
        if isinstance(found[key], str):
            cells.error("selection_area_code", found[key], self.messages[found[key]])
            return None
        return found[key]

    def _scores(self, cells: Cells) -> dict[str, Decimal]:
        """The jurors' scores of the cell "Giám khảo A: 85; Giám khảo B: 90,5" (juror → score)."""
        scores: dict[str, Decimal] = {}
        text = text_of(cells.value.get("scores"))
        for part in filter(None, (p.strip() for p in text.split(";"))):
            juror, colon, raw = part.rpartition(":")
            juror = " ".join(juror.split())
            score = _decimal(raw)
            if not colon or not juror or score is None or juror in scores:
                cells.error(
                    "scores",
                    "invalid_scores",
                    _(
                        "Write each juror's score as “juror: score”, one juror once, separated by “;” "
                        "(e.g. Giám khảo A: 85; Giám khảo B: 90,5)."
                    ),
                )
                return {}
            scores[juror] = score
        return scores

    def _decision(self, cells: Cells, data: dict[str, Any]) -> None:
        """The certificate goes with a certified product, the note with a result."""
        certificate = [column for column in self.certificate if data[column]]
        if certificate and data["result"] != EntryResult.CERTIFIED:
            cells.error(
                certificate[0],
                "not_certified",
                _("Only a certified product has a certificate: choose “certified” or leave it empty."),
            )
        if data["result_note"] and data["result"] == EntryResult.PENDING:
            cells.error(
                "result_note",
                "no_result",
                _("The note goes with a result: choose the result or leave it empty."),
            )

    def _add(self, actor: Any, selection: ProductSelection, establishment: int, name: str, data: dict) -> Any:
        entry = entry_add(
            actor=actor,
            selection=selection,
            establishment=Establishment.objects.get(pk=establishment),
            product_name=name,
            product_group=data["product_group"],
        )
        return self._decide(actor, entry, data, data["scores"])

    def _decide(self, actor: Any, entry: SelectionEntry, data: dict, scores: dict[str, Decimal]) -> Any:
        """The jurors' `scores` recorded, then the result when the row gives one."""
        for juror, score in scores.items():
            entry = entry_score(actor=actor, entry=entry, juror=juror, score=score)
        if data["result"] == EntryResult.CERTIFIED:
            entry = entry_certify(
                actor=actor,
                entry=entry,
                certificate_number=data["certificate_number"],
                valid_from=data["certificate_valid_from"],
                valid_to=data["certificate_valid_to"],
                note=data["result_note"],
            )
        elif data["result"] == EntryResult.NOT_SELECTED:
            entry = entry_reject(actor=actor, entry=entry, note=data["result_note"])
        return entry

    def _recorded(
        self, actor: Any, cells: Cells, service: RowErrors, found: SelectionEntry, data: dict
    ) -> Outcome | None:
        """A row of a recorded entry: unchanged, updated through the services while the entry awaits its
        result (new or corrected scores, the result), else an error naming what differs."""
        recorded = {score.juror: score.score for score in found.scores.all()}
        values = {
            "product_group": found.product_group,
            "scores": recorded,
            "result": found.result,
            "certificate_number": found.certificate_number,
            "certificate_valid_from": found.certificate_valid_from,
            # an empty end is the selection's validity: what is recorded
            "certificate_valid_to": found.certificate_valid_to if data["certificate_valid_to"] else None,
            "result_note": found.result_note,
        }
        changed = [name for name, value in values.items() if data[name] != value]
        if not changed:
            return Outcome(cells.row, "unchanged", data, found.pk)
        fixed = [name for name in changed if name == "product_group"]
        if set(recorded) - set(data["scores"]):
            fixed.append("scores")  # a juror's score is corrected, never taken away
        if found.result != EntryResult.PENDING or fixed:
            _differs(cells.row, ENTRIES, cells.errors, fixed or changed, self.labels(), _("This entry"))
            return None
        scores = {juror: s for juror, s in data["scores"].items() if recorded.get(juror) != s}
        if service.run(cells.row, cells.value, partial(self._decide, actor, found, data, scores)) is None:
            return None
        return Outcome(cells.row, "update", data, found.pk, changed)

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        """Nothing left: the rows were written by the services while checked (`applies`)."""

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The entries `rows` (those the officer sees of the selections listed)."""
        levels, groups, results = (
            dict(SelectionLevel.choices),
            dict(ProductGroup.choices),
            dict(EntryResult.choices),
        )
        for entry in (
            rows.exclude(establishment__tax_code="")  # a row names its establishment by tax code
            .select_related("selection__unit", "selection__region", "establishment")
            .prefetch_related("scores")
            .order_by("selection__year", "selection_id", "product_name", "pk")
            .iterator(chunk_size=2000)
        ):
            selection = entry.selection
            yield {
                "selection_level": str(levels[selection.level]),
                "selection_year": selection.year,
                "selection_area_code": _area(selection),
                "establishment_tax_code": entry.establishment.tax_code,
                "product_name": entry.product_name,
                "product_group": str(groups[entry.product_group]),
                "scores": _scores_text({s.juror: s.score for s in entry.scores.all()}),
                "result": "" if entry.result == EntryResult.PENDING else str(results[entry.result]),
                "certificate_number": entry.certificate_number,
                "certificate_valid_from": entry.certificate_valid_from,
                "certificate_valid_to": entry.certificate_valid_to,
                "result_note": entry.result_note,
            }


ENTRY_KIND = EntryImport()
