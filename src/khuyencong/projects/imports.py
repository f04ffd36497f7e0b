"""Projects with their participants and deliverables from a spreadsheet (core.imports).

Three sheets, each row taken through the project services as the project page takes it (`applies`):

- **Projects** ("Đề án"): natural key the national code, or — for a project recorded before or
  outside the system — the managing agency's own reference (`Project.external_reference`), which a
  row without a code must give so that importing it again finds the project. A new row names its
  plan line by the plan (agency, year, source: a plan of the plans sheet of the same workbook or one
  recorded) and the line's activity (and commune). It is created (`project_create`) and taken as
  far as the row's dates say: registered and appraised on its appraisal date, approved by its
  decision (`lifecycle_take`; the decision only for the plan's approver). A recorded project whose
  values are the row's is "unchanged"; a draft or registered one is updated (`project_update`) and
  taken on as far as the row says; after registration another value is an error: an approved
  project changes by an adjustment.
- **Participants** ("Cơ sở tham gia"): the establishments of a group project, natural key the
  project and the establishment (`participant_add`).
- **Deliverables** ("Kết quả đề án"): what a project plans and achieves for an indicator, natural key
  the project and the indicator (`deliverable_set`; `deliverable_record` while the project is under
  way).

The participants and deliverables sheets name a project by its code or its own reference: the
projects the projects sheet creates are found by their reference.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.catalog.choices import NormCondition
from khuyencong.catalog.models import Indicator
from khuyencong.core.errors import DomainError
from khuyencong.core.imports import (
    KINDS,
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    Refused,
    RowErrors,
    choice_names,
    coded,
    import_reason,
    in_chunks,
    register,
    text_of,
)
from khuyencong.core.text import fold
from khuyencong.establishments.identity import normalize_tax_code
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.imports import UnitCodes
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource, RevisionStatus
from khuyencong.plans.imports import SOURCE_SHORT, SOURCE_WORDS
from khuyencong.plans.models import Plan, PlanLine

from .choices import EDITABLE_STATES, ImplementerKind, ProjectKind, ProjectState
from .models import Deliverable, Participant, Project
from .services import (
    ACHIEVABLE_STATES,
    deliverable_record,
    deliverable_set,
    lifecycle_take,
    participant_add,
    project_create,
    project_update,
)
from .workflow import Who, may

PROJECTS, PARTICIPANTS, DELIVERABLES = "projects", "project_participants", "project_deliverables"
# what officers write besides the lists' labels
KIND_WORDS = {"điểm": ProjectKind.POINT, "nhóm": ProjectKind.GROUP, "nhiệm vụ": ProjectKind.TASK}
IMPLEMENTER_WORDS = {
    "cơ sở": ImplementerKind.ESTABLISHMENT,
    "doanh nghiệp": ImplementerKind.ESTABLISHMENT,
    "cơ quan": ImplementerKind.AGENCY,
    "đơn vị": ImplementerKind.AGENCY,
    "đơn vị cung cấp dịch vụ": ImplementerKind.PROVIDER,
    "nhà cung cấp": ImplementerKind.PROVIDER,
}
# the states a row's dates take a project to, in the order of the lifecycle
STEPS = (
    (ProjectState.REGISTERED, "register"),
    (ProjectState.APPRAISED, "appraise"),
    (ProjectState.APPROVED, "approve"),
)
ORDER = [state for state, _action in STEPS]
# the project's fields an import sets, and the column each is read from
FIELDS = {
    "title": "title",
    "kind": "kind",
    "implementer_kind": "implementer_kind",
    "implementer_establishment": "implementer_establishment",
    "implementer_agency": "implementer_agency_code",
    "implementer_name": "implementer_name",
    "location": "location_code",
    "start_date": "start_date",
    "end_date": "end_date",
    "support_amount": "support_amount",
    "counterpart_amount": "counterpart_amount",
    "other_amount": "other_amount",
    "units_count": "units_count",
    "norm_condition": "norm_condition",
    "machine_name": "machine_name",
}
PROJECT_CODE = Column(
    "project_code",
    gettext_lazy("Project code"),
    gettext_lazy(
        "The project's national code, as on its page; or leave it empty and give its own reference."
    ),
    example="",
    width=22,
)
PROJECT_REFERENCE = Column(
    "project_reference",
    gettext_lazy("Own reference"),
    gettext_lazy(
        "Your own number of the project (the row of your Excel list), for a project without a code yet: "
        "importing again finds the project by it."
    ),
    example="ĐA-2026-01",
    width=16,
)
ESTABLISHMENT_HINT = gettext_lazy(
    "The establishment's tax code, or its number in the registry (#123) when it has none."
)


def _units(actor: Any) -> UnitCodes:
    return UnitCodes(
        restrict(AdministrativeUnit.objects.all(), actor, Action.CHANGE),
        levels=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE),
    )


class Establishments:
    """The establishments rows name in `column`, by tax code or registry number (#123), in scope."""

    def __init__(self, actor: Any, rows: list, column: str) -> None:
        self.column = column
        taxes, ids = set(), set()
        for _number, value in rows:
            token = text_of(value.get(column))
            if token.startswith("#") and token[1:].isdigit():
                ids.add(int(token[1:]))
            elif token:
                taxes.add(normalize_tax_code(token))
        scope = restrict(Establishment.objects.filter(merged_into__isnull=True), actor, Action.VIEW)
        self.known: dict[str, Establishment] = {}
        self.mine: set[int] = set()
        for chunk in in_chunks(sorted(taxes)):
            self.known.update((e.tax_code, e) for e in Establishment.objects.filter(tax_code__in=chunk))
            self.mine.update(scope.filter(tax_code__in=chunk).values_list("pk", flat=True))
        for chunk in in_chunks(sorted(ids)):
            self.known.update((f"#{e.pk}", e) for e in Establishment.objects.filter(pk__in=chunk))
            self.mine.update(scope.filter(pk__in=chunk).values_list("pk", flat=True))

    def find(self, cells: Cells) -> Establishment | None:
        token = text_of(cells.value.get(self.column))
        if not token:
            return None
        found = self.known.get(token if token.startswith("#") else normalize_tax_code(token))
        if found is None:
            cells.error(
                self.column,
                "unknown_establishment",
                _("No establishment in the registry has this tax code or number."),
            )
        elif found.merged_into_id or found.pk not in self.mine:
            cells.error(
                self.column,
                "not_in_jurisdiction",
                _("This establishment is outside your jurisdiction or was merged into another record."),
            )
            return None
        return found


def establishment_token(tax_code: str, pk: int | None) -> str:
    """How an export names an establishment: its tax code, or its registry number."""
    return tax_code or (f"#{pk}" if pk else "")


class Projects:
    """The projects rows name by code or own reference, within the actor's jurisdiction (looked up as
    each row comes: a project the projects sheet created is found by its reference)."""

    def __init__(self, actor: Any) -> None:
        self.scope = restrict(Project.objects.all(), actor, Action.CHANGE)

    def find(self, cells: Cells, *, new_allowed: bool = False) -> Project | None:
        code = text_of(cells.value.get("project_code"))
        reference = text_of(cells.value.get("project_reference"))
        if code:
            found = self.scope.filter(code=code).first()
            if found is None:
                if Project.objects.filter(code=code).exists():
                    cells.error(
                        "project_code", "not_in_jurisdiction", _("This project is outside your jurisdiction.")
                    )
                else:
                    cells.error("project_code", "unknown_project", _("No project has this code."))
            return found
        if not reference:
            cells.error(
                "project_code",
                "key_required",
                _("Give the project's code, or its own reference (your number of it) to find it by."),
            )
            return None
        found = list(self.scope.filter(external_reference=reference)[:2])
        if len(found) > 1:
            cells.error(
                "project_reference",
                "ambiguous_reference",
                _("Several projects of your jurisdiction have this own reference: give the project's code."),
            )
            return None
        if not found and not new_allowed:
            cells.error(
                "project_reference",
                "unknown_reference",
                _("No project of your jurisdiction has this own reference."),
            )
        return found[0] if found else None


def duplicate(cells: Cells, seen: dict, key: tuple, column: str) -> bool:
    if key in seen:
        cells.error(
            column,
            "duplicate_in_file",
            _("Row %(row)s names the same record: a record is given on one row.") % {"row": seen[key]},
        )
        return True
    seen[key] = cells.row
    return False


# --- projects --------------------------------------------------------------------------------------


@register
class ProjectImport(ImportKind):
    code = PROJECTS
    title = gettext_lazy("Projects")
    order = 40
    model = Project
    url_name = "projects:detail"
    applies = True
    columns = (
        PROJECT_CODE,
        PROJECT_REFERENCE,
        Column(
            "agency_code",
            gettext_lazy("Plan: agency"),
            gettext_lazy("The agency whose plan funds the project (as on the plans sheet)."),
            required=True,
            example="ttkc-56",
            width=26,
        ),
        Column("year", gettext_lazy("Plan: year"), required=True, example=2026, width=8),
        Column(
            "source",
            gettext_lazy("Plan: funding source"),
            gettext_lazy("KCQG or KCĐP."),
            required=True,
            example="KCĐP",
        ),
        Column(
            "activity_code",
            gettext_lazy("Plan line: activity"),
            gettext_lazy("The activity of the plan's line that funds the project."),
            required=True,
            example="may-moc-thiet-bi",
            width=26,
        ),
        Column(
            "line_commune_code",
            gettext_lazy("Plan line: commune"),
            gettext_lazy("The commune of the plan's line, when the line names one."),
            width=22,
        ),
        Column(
            "title",
            gettext_lazy("Title"),
            required=True,
            example="Hỗ trợ máy dệt thổ cẩm cho HTX Mỹ Nghiệp",
            width=40,
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            gettext_lazy("A point project, a group project or a task of the agency itself."),
            required=True,
            example=gettext_lazy("point project"),
        ),
        Column(
            "implementer_kind",
            gettext_lazy("Implemented by"),
            gettext_lazy("An establishment, an agency or a service provider."),
            required=True,
            example=gettext_lazy("an establishment"),
        ),
        Column(
            "implementer_establishment",
            gettext_lazy("Implementing establishment"),
            ESTABLISHMENT_HINT,
            example="0301234562",
        ),
        Column("implementer_agency_code", gettext_lazy("Implementing agency"), width=22),
        Column("implementer_name", gettext_lazy("Service provider"), width=26),
        Column(
            "location_code",
            gettext_lazy("Location"),
            gettext_lazy("GSO code – name of the commune or province, as it was in the project's year."),
            required=True,
            width=24,
        ),
        Column(
            "start_date",
            gettext_lazy("Start"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="01/03/2026",
        ),
        Column(
            "end_date", gettext_lazy("End"), gettext_lazy("dd/mm/yyyy"), required=True, example="31/10/2026"
        ),
        Column(
            "support_amount",
            gettext_lazy("Khuyến công support (đồng)"),
            gettext_lazy("Whole đồng: 150000000, 150.000.000 or 0,15 tỷ."),
            required=True,
            example=150_000_000,
        ),
        Column("counterpart_amount", gettext_lazy("Beneficiary's counterpart (đồng)"), example=250_000_000),
        Column("other_amount", gettext_lazy("Other sources (đồng)")),
        Column(
            "units_count",
            gettext_lazy("Units counted by the norm"),
            gettext_lazy(
                "How many establishments, models, brands or booths the norm's cap is counted for (1)."
            ),
            width=10,
        ),
        Column(
            "norm_condition", gettext_lazy("Circumstances"), gettext_lazy("For a norm that depends on them.")
        ),
        Column("machine_name", gettext_lazy("Machine name"), width=26),
        Column(
            "appraised_on",
            gettext_lazy("Appraised on"),
            gettext_lazy("dd/mm/yyyy: the project is registered and appraised on that day."),
            width=12,
        ),
        Column(
            "decision_number",
            gettext_lazy("Decision number"),
            gettext_lazy(
                "The decision approving the project: only the plan's approver imports an approved project."
            ),
            width=16,
        ),
        Column("decision_date", gettext_lazy("Decision date"), gettext_lazy("dd/mm/yyyy"), width=12),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "source": list(SOURCE_WORDS),
            "kind": [str(label) for _v, label in ProjectKind.choices],
            "implementer_kind": [str(label) for _v, label in ImplementerKind.choices],
            "norm_condition": [str(label) for v, label in NormCondition.choices if v],
            "location_code": _units(actor).choices(),
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        reader = _ProjectRows(actor, rows)
        report = RowErrors(errors, PROJECTS, {**FIELDS, "external_reference": "project_reference"}, "title")
        outcomes = []
        seen: dict[tuple, int] = {}
        for number, value in rows:
            cells = Cells(PROJECTS, number, value, errors)
            row = reader.read(cells)
            key = (text_of(value.get("project_code")), fold(text_of(value.get("project_reference"))))
            if duplicate(cells, seen, key, "project_code") or row is None or not cells.ok:
                continue
            done = report.run(
                number, value, lambda row=row, cells=cells: self._apply(actor, row, cells, report)
            )
            if done is not None:
                outcomes.append(done)
        rows.clear()
        return outcomes

    def _apply(self, actor: Any, row: dict[str, Any], cells: Cells, report: RowErrors) -> Outcome:
        project, line, fields = row["project"], row["line"], row["fields"]
        changed: list[str] = []
        if project is None:
            project = project_create(
                actor=actor, plan_line=line, external_reference=row["reference"], **fields
            )
            outcome = "new"
        else:
            if project.plan_line_id != line.pk:
                report.add(
                    cells.row,
                    "activity_code",
                    "record_differs",
                    _("The project is recorded on another plan line; a project does not change its line."),
                    cells.value.get("activity_code"),
                )
                raise Refused()
            changed = [name for name, value in fields.items() if getattr(project, name) != value]
            if changed and project.state not in EDITABLE_STATES:
                report.add(
                    cells.row,
                    FIELDS[changed[0]],
                    "project_not_editable",
                    _(
                        "The project is %(state)s and is recorded with other values (%(fields)s): after "
                        "registration a project changes by an adjustment."
                    )
                    % {
                        "state": project.get_state_display(),
                        "fields": ", ".join(str(Project._meta.get_field(n).verbose_name) for n in changed),
                    },
                    cells.value.get(FIELDS[changed[0]]),
                )
                raise Refused()
            if changed:
                project = project_update(
                    actor=actor, project=project, version=project.version, **{n: fields[n] for n in changed}
                )
            outcome = "update" if changed else "unchanged"
        steps = self._steps(actor, project, row, cells, report)
        if steps and outcome == "unchanged":
            outcome = "update"
        return Outcome(
            cells.row, outcome, {"project": project.pk}, project.pk, [*(FIELDS[n] for n in changed), *steps]
        )

    def _steps(self, actor: Any, project: Project, row: dict, cells: Cells, report: RowErrors) -> list[str]:
        """The lifecycle steps the row's dates ask for that the project has not taken yet."""
        appraised, number, day = row["appraised_on"], row["decision_number"], row["decision_date"]
        if bool(number) != bool(day):
            report.add(
                cells.row,
                "decision_date" if number else "decision_number",
                "required",
                _("Give both the decision's number and its date, or neither."),
            )
            raise Refused()
        target = ProjectState.APPROVED if number else (ProjectState.APPRAISED if appraised else None)
        project.refresh_from_db()
        if project.state not in (ProjectState.DRAFT, *ORDER):
            target = None  # under way or beyond: the decision is the recorded one
        if number and project.decision_number and fold(project.decision_number) != fold(number):
            report.add(
                cells.row,
                "decision_number",
                "record_differs",
                _("The project is approved by decision %(number)s.") % {"number": project.decision_number},
                number,
            )
            raise Refused()
        if target is None or (project.state in ORDER and ORDER.index(project.state) >= ORDER.index(target)):
            return []
        if target == ProjectState.APPROVED:
            allowed, reason = may(actor, Who.PLAN_APPROVER, project)
            if not allowed:
                report.add(
                    cells.row,
                    "decision_number",
                    "not_plan_approver",
                    _("%(reason)s Leave the decision empty to import the project for approval.")
                    % {"reason": reason},
                    number,
                )
                raise Refused()
        taken = []
        for state, action in STEPS:
            if project.state != ProjectState.DRAFT and ORDER.index(project.state) >= ORDER.index(state):
                continue
            if ORDER.index(state) > ORDER.index(target):
                break
            fields: dict[str, Any] = {}
            column = "title"
            if action == "appraise":
                fields, column = {"on": appraised or day}, "appraised_on" if appraised else "decision_date"
            elif action == "approve":
                fields, column = {"decision_number": number, "decision_date": day}, "decision_date"
            try:
                project = lifecycle_take(actor=actor, project=project, action=action, version=None, **fields)
            except DomainError as exc:
                report.domain(cells.row, cells.value, exc, default=column)
                raise Refused() from None
            taken.append("state")
        return taken[:1]

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        kinds, implementers = dict(ProjectKind.choices), dict(ImplementerKind.choices)
        conditions = dict(NormCondition.choices)
        for row in (
            rows.order_by("year", "code")
            .values(
                "code",
                "external_reference",
                "plan_line__plan__agency__code",
                "year",
                "plan_line__plan__source",
                "plan_line__activity__code",
                "plan_line__unit__code",
                "title",
                "kind",
                "implementer_kind",
                "implementer_establishment",
                "implementer_establishment__tax_code",
                "implementer_agency__code",
                "implementer_name",
                "location__code",
                "location__name",
                "start_date",
                "end_date",
                "support_amount",
                "counterpart_amount",
                "other_amount",
                "units_count",
                "norm_condition",
                "machine_name",
                "appraised_on",
                "decision_number",
                "decision_date",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                **row,
                "project_code": row["code"],
                "project_reference": row["external_reference"],
                "agency_code": row["plan_line__plan__agency__code"],
                "source": SOURCE_SHORT[row["plan_line__plan__source"]],
                "activity_code": row["plan_line__activity__code"],
                "line_commune_code": row["plan_line__unit__code"] or "",
                "kind": str(kinds[row["kind"]]),
                "implementer_kind": str(implementers[row["implementer_kind"]]),
                "implementer_establishment": establishment_token(
                    row["implementer_establishment__tax_code"] or "", row["implementer_establishment"]
                ),
                "implementer_agency_code": row["implementer_agency__code"] or "",
                "location_code": f"{row['location__code']} – {row['location__name']}",
                "norm_condition": str(conditions[row["norm_condition"]]) if row["norm_condition"] else "",
            }

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Any]:
        """The projects, their participants and deliverables, and the sheets of the apps above
        (contracts, acceptance and settlement: finance's, found by their codes)."""
        sheets = {
            PROJECTS: self.export_rows(rows),
            PARTICIPANTS: _participant_rows(rows),
            DELIVERABLES: _deliverable_rows(rows),
        }
        for code in ("contracts", "project_closing"):
            if code in KINDS:
                sheets[code] = KINDS[code].export_rows(rows)
        return sheets


class _ProjectRows:
    """A projects sheet's rows read into the values `project_create` takes."""

    def __init__(self, actor: Any, rows: list) -> None:
        self.actor = actor
        self.units = _units(actor)
        self.projects = Projects(actor)
        self.establishments = Establishments(actor, rows, "implementer_establishment")
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.sources = choice_names(FundingSource.choices, SOURCE_WORDS)
        self.kinds = choice_names(ProjectKind.choices, KIND_WORDS)
        self.implementers = choice_names(ImplementerKind.choices, IMPLEMENTER_WORDS)
        self.conditions = choice_names((v, label) for v, label in NormCondition.choices if v)
        self.lines: dict[tuple, Any] = {}

    def read(self, cells: Cells) -> dict[str, Any] | None:
        reference = cells.text("project_reference", 60)
        project = self.projects.find(cells, new_allowed=True)
        if cells.value.get("project_code") and project is None:
            return None
        year = cells.number("year", minimum=2000, maximum=2100)
        source = cells.choice("source", self.sources)
        line = self._line(cells, year, source) if year and source else None
        title = cells.text("title", 500, required=_("Give the project a title."))
        kind = cells.choice("kind", self.kinds)
        implementer = cells.choice("implementer_kind", self.implementers)
        establishment = self.establishments.find(cells)
        agency = None
        if code := coded(cells.value.get("implementer_agency_code")):
            agency = self.agencies.get(code)
            if agency is None:
                cells.error("implementer_agency_code", "unknown_agency", _("No agency has this code."))
        location = None
        if year:
            found = self.units.find(coded(cells.value.get("location_code")), year=year)
            if found.pk is None:
                cells.error("location_code", found.code, found.message)
            else:
                location = AdministrativeUnit.objects.get(pk=found.pk)
        start, end = cells.date("start_date"), cells.date("end_date")
        support = cells.money("support_amount")
        counterpart = cells.money("counterpart_amount", required=False) or 0
        other = cells.money("other_amount", required=False) or 0
        units = cells.number("units_count", minimum=1) or 1
        condition = ""
        if text_of(cells.value.get("norm_condition")):
            condition = cells.choice("norm_condition", self.conditions)
        machine = cells.text("machine_name", 300)
        appraised = cells.date("appraised_on", required=False)
        number = cells.text("decision_number", 60)
        day = cells.date("decision_date", required=False)
        if not cells.ok or line is None:
            return None
        return {
            "project": project,
            "reference": reference,
            "line": line,
            "appraised_on": appraised,
            "decision_number": number,
            "decision_date": day,
            "fields": {
                "title": title,
                "kind": kind,
                "implementer_kind": implementer,
                "implementer_establishment": establishment
                if implementer == ImplementerKind.ESTABLISHMENT
                else None,
                "implementer_agency": agency if implementer == ImplementerKind.AGENCY else None,
                "implementer_name": cells.text("implementer_name", 300)
                if implementer == ImplementerKind.PROVIDER
                else "",
                "location": location,
                "start_date": start,
                "end_date": end,
                "support_amount": support,
                "counterpart_amount": counterpart,
                "other_amount": other,
                "units_count": units,
                "norm_condition": condition,
                "machine_name": machine,
            },
        }

    def _line(self, cells: Cells, year: int, source: str) -> PlanLine | None:
        """The plan line the row names: the plan by agency, year and source, the line by activity (and
        commune) among its lines not taken out by a revision."""
        agency = coded(cells.value.get("agency_code"))
        activity = coded(cells.value.get("activity_code"))
        commune = coded(cells.value.get("line_commune_code"))
        key = (agency, year, source, activity, commune)
        if key not in self.lines:
            self.lines[key] = self._find_line(*key)
        found = self.lines[key]
        if isinstance(found, tuple):
            cells.error(*found)
            return None
        return found

    def _find_line(self, agency: str, year: int, source: str, activity: str, commune: str) -> Any:
        plans = list(
            restrict(
                Plan.objects.filter(agency__code=agency, year=year, source=source), self.actor, Action.VIEW
            )
        )
        if not plans:
            return (
                "agency_code",
                "unknown_plan",
                _(
                    "No plan of this agency for %(year)s from this source: put it on the plans sheet of the "
                    "workbook or record it first."
                )
                % {"year": year},
            )
        lines = list(
            PlanLine.objects.filter(plan__in=plans, activity__code=activity)
            .filter(Q(unit__code=commune) if commune else Q(unit__isnull=True))
            .exclude(removed_by__status=RevisionStatus.APPROVED)
            .select_related("plan", "plan__unit")
        )
        if not lines:
            message = (
                _("The plan has no line of this activity in this commune.")
                if commune
                else _("The plan has no line of this activity without a commune.")
            )
            return ("activity_code", "unknown_line", message)
        if len(lines) > 1:
            message = _(
                "The plan has %(count)s lines of this activity (and commune): record the project on its page."
            ) % {"count": len(lines)}
            return ("activity_code", "ambiguous_line", message)
        return lines[0]


# --- participants ----------------------------------------------------------------------------------


@register
class ParticipantImport(ImportKind):
    code = PARTICIPANTS
    title = gettext_lazy("Project participants")
    order = 41
    model = Participant
    applies = True
    columns = (
        PROJECT_CODE,
        PROJECT_REFERENCE,
        Column(
            "establishment",
            gettext_lazy("Establishment"),
            ESTABLISHMENT_HINT,
            required=True,
            example="0301234562",
        ),
        Column("support_amount", gettext_lazy("Support (đồng)"), required=True, example=60_000_000),
        Column("eligible_cost", gettext_lazy("Eligible cost (đồng)"), required=True, example=120_000_000),
        Column("booths", gettext_lazy("Booths"), width=8),
        Column("trainees", gettext_lazy("Trainees"), width=8),
        Column("machine_name", gettext_lazy("Machine name"), width=26),
        Column("note", gettext_lazy("Note"), width=30),
    )
    FIELDS = {
        "establishment": "establishment",
        "support_amount": "support_amount",
        "eligible_cost": "eligible_cost",
        "booths": "booths",
        "trainees": "trainees",
        "machine_name": "machine_name",
        "note": "note",
    }

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        projects = Projects(actor)
        establishments = Establishments(actor, rows, "establishment")
        report = RowErrors(errors, PARTICIPANTS, self.FIELDS, "project_code")
        seen: dict[tuple, int] = {}
        outcomes = []
        for number, value in rows:
            cells = Cells(PARTICIPANTS, number, value, errors)
            project = projects.find(cells)
            establishment = establishments.find(cells)
            if not text_of(value.get("establishment")):
                cells.error("establishment", "required", _("Give the establishment's tax code or number."))
            data = {
                "support_amount": cells.money("support_amount"),
                "eligible_cost": cells.money("eligible_cost"),
                "booths": cells.number("booths") or 0,
                "trainees": cells.number("trainees") or 0,
                "machine_name": cells.text("machine_name", 300),
                "note": cells.text("note", 500),
            }
            if project is None or establishment is None or not cells.ok:
                continue
            if duplicate(cells, seen, (project.pk, establishment.pk), "establishment"):
                continue
            recorded = Participant.objects.filter(project=project, establishment=establishment).first()
            if recorded is not None:
                changed = [name for name, v in data.items() if getattr(recorded, name) != v]
                if changed:
                    report.add(
                        number,
                        changed[0],
                        "record_differs",
                        _(
                            "This establishment takes part in the project with other values; change it on "
                            "the project's page (before the contract) or by an adjustment."
                        ),
                        value.get(changed[0]),
                    )
                    continue
                outcomes.append(Outcome(number, "unchanged", data, recorded.pk))
                continue
            done = report.run(
                number,
                value,
                lambda project=project, establishment=establishment, data=data: participant_add(
                    actor=actor, project=project, establishment=establishment, **data
                ),
            )
            if done is not None:
                outcomes.append(Outcome(number, "new", data, done.pk))
        rows.clear()
        return outcomes


def _participant_rows(projects: Any) -> Iterator[dict[str, Any]]:
    for row in (
        Participant.objects.filter(project__in=projects.order_by().values("pk"))
        .order_by("project__year", "project__code", "pk")
        .values(
            "project__code",
            "project__external_reference",
            "establishment",
            "establishment__tax_code",
            "support_amount",
            "eligible_cost",
            "booths",
            "trainees",
            "machine_name",
            "note",
        )
        .iterator(chunk_size=2000)
    ):
        yield {
            **row,
            "project_code": row["project__code"],
            "project_reference": row["project__external_reference"],
            "establishment": establishment_token(row["establishment__tax_code"] or "", row["establishment"]),
        }


# --- deliverables ----------------------------------------------------------------------------------


@register
class DeliverableImport(ImportKind):
    code = DELIVERABLES
    title = gettext_lazy("Project deliverables")
    order = 42
    model = Deliverable
    applies = True
    columns = (
        PROJECT_CODE,
        PROJECT_REFERENCE,
        Column(
            "indicator_code",
            gettext_lazy("Indicator"),
            gettext_lazy("Choose from the list: what the project delivers (code – name)."),
            required=True,
            example="co-so-may-moc",
            width=26,
        ),
        Column("planned", gettext_lazy("Planned"), required=True, example=1, width=8),
        Column(
            "achieved",
            gettext_lazy("Achieved"),
            gettext_lazy("Recorded while the project is under way (approved, contracted or in progress)."),
            width=8,
        ),
        Column(
            "evidence",
            gettext_lazy("Evidence"),
            gettext_lazy("The minutes or document that shows it."),
            width=26,
        ),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "indicator_code": [
                f"{code} – {name}"
                for code, name in Indicator.objects.order_by("code").values_list("code", "name")
            ]
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        projects = Projects(actor)
        indicators = {i.code: i for i in Indicator.objects.all()}
        report = RowErrors(
            errors,
            DELIVERABLES,
            {"planned": "planned", "achieved": "achieved", "reason": "planned"},
            "indicator_code",
        )
        reason = import_reason(context["run"]) if context.get("run") else _("imported")
        seen: dict[tuple, int] = {}
        outcomes = []
        for number, value in rows:
            cells = Cells(DELIVERABLES, number, value, errors)
            project = projects.find(cells)
            indicator = indicators.get(coded(value.get("indicator_code")))
            if indicator is None:
                cells.error("indicator_code", "unknown_indicator", _("No indicator has this code."))
            planned = cells.number("planned")
            if planned is None and cells.ok:
                cells.error("planned", "required", _("Enter the planned number."))
            achieved = cells.number("achieved")
            evidence = cells.text("evidence", 500)
            if project is None or indicator is None or not cells.ok:
                continue
            if duplicate(cells, seen, (project.pk, indicator.pk), "indicator_code"):
                continue
            recorded = Deliverable.objects.filter(project=project, indicator=indicator).first()
            changed = []
            if recorded is None or recorded.planned != planned:
                changed.append("planned")
            if achieved is not None and (
                recorded is None or recorded.achieved != achieved or recorded.evidence != evidence
            ):
                changed.append("achieved")
            if not changed:
                outcomes.append(Outcome(number, "unchanged", {}, recorded.pk))
                continue

            args = (project, indicator, recorded, planned, achieved if "achieved" in changed else None)
            done = report.run(
                number,
                value,
                lambda args=args, evidence=evidence: _deliverable_apply(actor, *args, evidence, reason),
            )
            if done is not None:
                outcomes.append(
                    Outcome(
                        number,
                        "new" if recorded is None else "update",
                        {},
                        done.pk,
                        [] if recorded is None else changed,
                    )
                )
        rows.clear()
        return outcomes


def _deliverable_apply(
    actor: Any,
    project: Project,
    indicator: Indicator,
    recorded: Deliverable | None,
    planned: int,
    achieved: int | None,
    evidence: str,
    reason: str,
) -> Deliverable:
    """A deliverable planned (with the import as its reason once the project is approved) and, when
    `achieved` is given, its achieved value recorded."""
    deliverable = recorded
    if deliverable is None or deliverable.planned != planned:
        approved = project.state in ACHIEVABLE_STATES
        deliverable = deliverable_set(
            actor=actor,
            project=project,
            indicator=indicator,
            planned=planned,
            reason=reason if approved else "",
        )
    if achieved is not None:
        deliverable = deliverable_record(
            actor=actor, deliverable=deliverable, achieved=achieved, evidence=evidence
        )
    return deliverable


def _deliverable_rows(projects: Any) -> Iterator[dict[str, Any]]:
    for row in (
        Deliverable.objects.filter(project__in=projects.order_by().values("pk"))
        .order_by("project__year", "project__code", "indicator__code")
        .values(
            "project__code",
            "project__external_reference",
            "indicator__code",
            "planned",
            "achieved",
            "evidence",
        )
        .iterator(chunk_size=2000)
    ):
        yield {
            **row,
            "project_code": row["project__code"],
            "project_reference": row["project__external_reference"],
            "indicator_code": row["indicator__code"],
        }
