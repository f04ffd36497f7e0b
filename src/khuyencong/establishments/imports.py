"""Establishments from a spreadsheet (core.imports): the sheet "Cơ sở CNNT" of the import workbook.

Every row is checked by the registry's own rules (services._clean: names, legal forms, tax codes,
phones, e-mails, the commune within the officer's jurisdiction), all rows at once, against sets
loaded once (communes in scope, VSIC codes, the registry's tax codes and names). A row is matched to
the registry by its natural key — the tax code, or else the name with the commune — and is new,
unchanged or an update of the fields that differ. New records are written in bulk with their audit
entries; updates go through `establishment_update`, as the edit page's do.
"""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.core.audit import as_json, audit_rows
from khuyencong.core.bulk import insert_rows
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.imports import (
    Column,
    Errors,
    ImportKind,
    Outcome,
    choice_names,
    coded,
    import_reason,
    in_chunks,
    register,
)
from khuyencong.core.spreadsheets import whole_number
from khuyencong.core.text import fold
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit

from .choices import LegalForm
from .identity import comparable_name
from .models import Establishment, Industry
from .services import EDITABLE_FIELDS, _clean, establishment_update

SHEET = "establishments"
FREE_TEXT = ("household_registration_no", "address", "main_products", "representative", "phone", "email")
# the record's field each column sets, where the names differ
FIELD = {"commune_code": "commune", "industry_code": "industry"}


def _given(value: Any) -> Any:
    return getattr(value, "pk", value)


@register
class EstablishmentKind(ImportKind):
    code = SHEET
    title = gettext_lazy("Establishments")
    order = 10
    model = Establishment
    url_name = "establishments:detail"
    columns = (
        Column(
            "legal_form",
            gettext_lazy("Legal form"),
            gettext_lazy("Choose from the list: household business, cooperative, enterprise…"),
            required=True,
            example=gettext_lazy("household business"),
        ),
        Column(
            "name",
            gettext_lazy("Name of the establishment"),
            gettext_lazy("As registered. With the commune it identifies a record that has no tax code."),
            required=True,
            example="Cơ sở mây tre đan Lê Văn An",
            width=36,
        ),
        Column(
            "tax_code",
            gettext_lazy("Tax code"),
            gettext_lazy(
                "10 digits, or 10 digits, a dash and 3 for a branch; required of enterprises. Enter it as "
                "text so that the leading 0 stays. When given, it identifies the record."
            ),
            example="",
        ),
        Column(
            "household_registration_no",
            gettext_lazy("Household business registration number"),
            example="37A8001234",
        ),
        Column(
            "commune_code",
            gettext_lazy("Commune"),
            gettext_lazy("Choose from the list (GSO code – name); the commune must be in force today."),
            required=True,
            example="22759 – Phường Phan Rang",
            width=32,
        ),
        Column("address", gettext_lazy("Address"), example="Thôn Phú Quý", width=30),
        Column("main_products", gettext_lazy("Main products"), example="Giỏ, làn mây tre", width=30),
        Column(
            "industry_code",
            gettext_lazy("Industry (VSIC)"),
            gettext_lazy("Choose from the list (VSIC 2018 code – name)."),
            example="C – Công nghiệp chế biến, chế tạo",
            width=30,
        ),
        Column("workers", gettext_lazy("Workers"), gettext_lazy("A whole number."), example=12, width=10),
        Column("founded_year", gettext_lazy("Year founded"), example=2015, width=10),
        Column("representative", gettext_lazy("Representative"), example="Lê Văn An", width=24),
        Column(
            "phone",
            gettext_lazy("Phone"),
            gettext_lazy("10 or 11 digits starting with 0, as text; several separated by commas."),
            example="0259 3822 123",
        ),
        Column("email", gettext_lazy("E-mail"), example="", width=24),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def _communes(self, actor: Any) -> Any:
        return restrict(
            AdministrativeUnit.objects.current().filter(level=Level.COMMUNE), actor, Action.CHANGE
        ).order_by("code")

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {
            "legal_form": [str(label) for _value, label in LegalForm.choices],
            "commune_code": [
                f"{code} – {name}" for code, name in self._communes(actor).values_list("code", "name")
            ],
            "industry_code": [
                f"{code} – {name}" for code, name in Industry.objects.values_list("code", "name")
            ],
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        def error(number: int, column: str, code: str, message: Any, value: Any = None) -> None:
            errors.add(SHEET, number, column, code, message, value)

        present = set(rows[0][1]) if rows else set()
        communes = dict(
            AdministrativeUnit.objects.current().filter(level=Level.COMMUNE).values_list("code", "pk")
        )
        own = set(self._communes(actor).values_list("pk", flat=True))
        units = {
            u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=own).only("pk", "code", "name", "level")
        }
        industries = {i.code: i for i in Industry.objects.all()}
        forms = choice_names(LegalForm.choices)
        seen: dict[tuple, int] = {}
        candidates: list[tuple[int, dict[str, Any]]] = []
        for number, value in rows:
            data: dict[str, Any] = {}
            ok = True
            form = forms.get(fold(str(value.get("legal_form") or "").strip()).lower())
            if form is None:
                error(
                    number,
                    "legal_form",
                    "invalid_choice",
                    _("Choose a legal form from the list."),
                    value.get("legal_form"),
                )
                ok = False
            data["legal_form"] = form
            code = coded(value.get("commune_code"))
            if code not in communes:
                error(
                    number,
                    "commune_code",
                    "unknown_unit",
                    _("No commune in force has the GSO code “%(code)s”.") % {"code": code},
                    value.get("commune_code"),
                )
                ok = False
            elif communes[code] not in own:
                error(
                    number,
                    "commune_code",
                    "not_in_jurisdiction",
                    _("This commune is outside your jurisdiction."),
                    value.get("commune_code"),
                )
                ok = False
            else:
                data["commune"] = units[communes[code]]
            if "industry_code" in present:
                industry = coded(value.get("industry_code"))
                if industry and industry not in industries:
                    error(
                        number,
                        "industry_code",
                        "unknown_industry",
                        _("No VSIC industry has the code “%(code)s”.") % {"code": industry},
                        value.get("industry_code"),
                    )
                    ok = False
                data["industry"] = industries.get(industry)
            for column in ("workers", "founded_year"):
                if column not in present:
                    continue
                raw = value.get(column)
                if raw is None or str(raw).strip() == "":
                    data[column] = None
                    continue
                try:
                    data[column] = whole_number(raw)
                except ValueError:
                    error(number, column, "invalid_number", _("Enter a whole number, 0 or more."), raw)
                    ok = False
            data["name"] = value.get("name") or ""
            data["tax_code"] = "" if value.get("tax_code") is None else str(value.get("tax_code")).strip()
            for column in FREE_TEXT:
                if column in present:
                    raw = value.get(column)
                    data[column] = "" if raw is None else str(raw).strip()
            if not ok:
                continue
            try:
                cleaned = _clean(actor, data, communes_in_scope=own)
            except ValidationFailed as exc:
                for name, message in (exc.details.get("errors") or {}).items():
                    column = {"commune": "commune_code", "industry": "industry_code"}.get(name, name)
                    error(number, column, "invalid_field", message, value.get(column))
                continue
            key = (
                ("tax", cleaned["tax_code"])
                if cleaned["tax_code"]
                else ("name", comparable_name(cleaned["name"]), cleaned["commune"].pk)
            )
            if key in seen:
                error(
                    number,
                    "tax_code" if key[0] == "tax" else "name",
                    "duplicate_in_file",
                    _("The same establishment as row %(row)s.") % {"row": seen[key]},
                    cleaned["tax_code"] or cleaned["name"],
                )
                continue
            seen[key] = number
            candidates.append((number, cleaned))
        rows.clear()  # read: only the checked values are needed now
        return self._matched(actor, candidates, present, error)

    def _matched(self, actor: Any, candidates: list, present: set[str], error: Any) -> list[Outcome]:
        """Each checked row as new, unchanged or an update of the registry's record with its key."""
        active = Establishment.objects.filter(merged_into__isnull=True)
        taxes = {c["tax_code"] for _n, c in candidates if c["tax_code"]}
        by_tax: dict[str, int] = {}
        for chunk in in_chunks(taxes):
            by_tax.update(active.filter(tax_code__in=chunk).values_list("tax_code", "pk"))
        names = {(comparable_name(c["name"]), c["commune"].pk) for _n, c in candidates if not c["tax_code"]}
        by_name: dict[tuple[str, int], int] = {}
        for chunk in in_chunks({commune for _name, commune in names}):
            for search_name, commune, pk in active.filter(commune_id__in=chunk).values_list(
                "search_name", "commune_id", "pk"
            ):
                if (search_name, commune) in names:
                    by_name.setdefault((search_name, commune), pk)
        matched = {}
        for number, cleaned in candidates:
            pk = (
                by_tax.get(cleaned["tax_code"])
                if cleaned["tax_code"]
                else by_name.get((comparable_name(cleaned["name"]), cleaned["commune"].pk))
            )
            matched[number] = pk
        wanted = {pk for pk in matched.values() if pk is not None}
        compared = [FIELD.get(c.code, c.code) for c in self.columns if c.code in present]
        # the stored values only (foreign keys by id): 100,000 model instances would not fit the memory
        stored = [f"{name}_id" if name in FIELD.values() else name for name in compared]
        existing: dict[int, tuple] = {}  # pk → (search name, the stored values in `compared` order)
        for chunk in in_chunks(wanted):
            for pk, search_name, *values in Establishment.objects.filter(pk__in=chunk).values_list(
                "pk", "search_name", *stored
            ):
                existing[pk] = (search_name, values)
        changeable: set[int] = set()
        for chunk in in_chunks(wanted):
            changeable.update(
                restrict(Establishment.objects.filter(pk__in=chunk), actor, Action.CHANGE).values_list(
                    "pk", flat=True
                )
            )
        outcomes: list[Outcome] = []
        claimed: dict[int, int] = {}
        for number, cleaned in candidates:
            pk = matched[number]
            if pk is None:
                outcomes.append(Outcome(number, "new", cleaned))
                continue
            if pk not in changeable:
                error(
                    number,
                    "tax_code",
                    "not_in_jurisdiction",
                    _("This tax code is already registered by an establishment outside your jurisdiction."),
                    cleaned["tax_code"],
                )
                continue
            if pk in claimed:
                error(
                    number,
                    "name",
                    "duplicate_in_file",
                    _("The same establishment as row %(row)s.") % {"row": claimed[pk]},
                    cleaned["name"],
                )
                continue
            claimed[pk] = number
            search_name, values = existing[pk]
            changed = [
                name
                for name, value in zip(compared, values, strict=True)
                if value != _given(cleaned.get(name))
                # the same name spelt without diacritics or with other spacing: the registry's stays
                and not (name == "name" and search_name == comparable_name(cleaned["name"]))
            ]
            outcomes.append(
                Outcome(
                    number,
                    "update" if changed else "unchanged",
                    {name: cleaned[name] for name in changed},
                    pk,
                    changed,
                )
            )
        return outcomes

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        meta = Establishment._meta
        blank = {name: meta.get_field(name).get_default() for name in EDITABLE_FIELDS}
        rows = [
            {**blank, **o.data, "search_name": comparable_name(o.data["name"])}
            for o in outcomes
            if o.outcome == "new"
        ]
        ids = insert_rows(Establishment, rows)
        audit_rows(
            actor=actor,
            action="establishment.create",
            model=Establishment,
            changes=[
                (pk, row["name"], None, {name: as_json(row[name]) for name in EDITABLE_FIELDS})
                for pk, row in zip(ids, rows, strict=True)
            ],
            reason=import_reason(run),
            import_run=run,
        )
        for outcome in outcomes:
            if outcome.outcome == "update":
                record = Establishment.objects.get(pk=outcome.existing)
                establishment_update(
                    actor=actor,
                    establishment=record,
                    version=record.version,
                    confirm_duplicate=True,
                    import_run=run,
                    **outcome.data,
                )

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        labels = dict(LegalForm.choices)
        for row in (
            rows.filter(merged_into__isnull=True)
            .values(
                "legal_form",
                "name",
                "tax_code",
                "household_registration_no",
                "commune__code",
                "commune__name",
                "address",
                "main_products",
                "industry__code",
                "industry__name",
                "workers",
                "founded_year",
                "representative",
                "phone",
                "email",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                **row,
                "legal_form": str(labels.get(row["legal_form"], row["legal_form"])),
                "commune_code": f"{row['commune__code']} – {row['commune__name']}",
                "industry_code": f"{row['industry__code']} – {row['industry__name']}"
                if row["industry__code"]
                else "",
            }
