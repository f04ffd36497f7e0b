"""Writers of the geography tables. Reference data comes from the vietnam-provinces package:
the 34 provinces and 3,321 communes in force since 1 July 2025, and (in `vietnam_provinces.legacy`)
the 63 provinces, 696 districts and 10,051 communes before it, with the official conversion tables.

`units_load` is idempotent: a second run finds every row as it should be and writes nothing.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from khuyencong.core.reference import LoadReport, read_json
from khuyencong.core.text import fold

from .choices import PACKAGE_TYPES, Level
from .models import REFORM_DATE, AdministrativeUnit, Region, RegionMembership, UnitSuccession

LEGACY_VALID_TO = REFORM_DATE - dt.timedelta(days=1)
REFORM_BASIS = "Nghị quyết 202/2025/QH15; Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã năm 2025"
REGIONS_FILE = Path(__file__).parent / "reference" / "regions.json"

Key = tuple[str, str, dt.date | None]  # (level, code, valid_to)


@dataclass
class _Row:
    code: str
    name: str
    level: str
    type: str
    valid_to: dt.date | None
    parent: Key | None = None
    province: Key | None = None
    current_province: Key | None = None
    successor: Key | None = None

    @property
    def search_name(self) -> str:
        return fold(self.name)

    @property
    def key(self) -> Key:
        return (self.level, self.code, self.valid_to)


def _code(value: Any, width: int) -> str:
    return f"{int(value):0{width}d}"


def _current_rows(only_provinces: set[str] | None) -> list[_Row]:
    """The 34 provinces and their communes in force since 1 July 2025 (no districts any more)."""
    from vietnam_provinces import Province, Ward

    rows: list[_Row] = []
    for p in Province.iter_all():
        code = _code(p.code, 2)
        if only_provinces is None or code in only_provinces:
            key: Key = (Level.PROVINCE, code, None)
            rows.append(
                _Row(
                    code,
                    p.name,
                    Level.PROVINCE,
                    PACKAGE_TYPES[p.division_type.value],
                    None,
                    province=key,
                    current_province=key,
                )
            )
    kept = {r.code for r in rows}
    for w in Ward.iter_all():
        pcode = _code(w.province_code, 2)
        if pcode in kept:
            pkey: Key = (Level.PROVINCE, pcode, None)
            rows.append(
                _Row(
                    _code(w.code, 5),
                    w.name,
                    Level.COMMUNE,
                    PACKAGE_TYPES[w.division_type.value],
                    None,
                    parent=pkey,
                    province=pkey,
                    current_province=pkey,
                )
            )
    return rows


def _primary_new_provinces() -> dict[str, str]:
    """Old province code → the new province that took most of its communes (Tiền Giang was split)."""
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    communes_to: dict[int, Counter[int]] = defaultdict(Counter)
    for entry in WARD_OLD_TO_NEW.values():
        communes_to[entry.old_ward.province_code][entry.new_wards[0].province_code] += 1
    result = {}
    for old_code, province_entry in PROVINCE_OLD_TO_NEW.items():
        candidates = [ref.code for ref in province_entry.new_provinces]
        counts = communes_to[old_code]
        # Most communes wins; on a tie, the new province that kept the old code (its seat).
        best = max(candidates, key=lambda c: (counts[c], c == old_code))
        result[_code(old_code, 2)] = _code(best, 2)
    return result


def _legacy_rows(kept: set[str]) -> list[_Row]:
    """The 63 provinces, their districts and communes before 1 July 2025 whose main successor is in
    `kept`, each linked to the current province (and, for communes, the current commune) it became."""
    from vietnam_provinces import Ward
    from vietnam_provinces import legacy as old
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    P, D, C, TO = Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, LEGACY_VALID_TO
    successor_of = _primary_new_provinces()
    provinces: list[_Row] = []
    for lp in old.Province.iter_all():
        code = _code(lp.code, 2)
        if successor_of[code] not in kept:
            continue
        new_key: Key = (P, successor_of[code], None)
        provinces.append(
            _Row(
                code,
                lp.name,
                P,
                PACKAGE_TYPES[lp.division_type.value],
                TO,
                province=(P, code, TO),
                current_province=new_key,
                successor=new_key,
            )
        )
    province_codes = {r.code for r in provinces}
    districts = [d for d in old.District.iter_all() if _code(d.province_code, 2) in province_codes]
    district_province = {_code(d.code, 3): _code(d.province_code, 2) for d in districts}
    new_commune_province = {_code(w.code, 5): _code(w.province_code, 2) for w in Ward.iter_all()}

    communes: list[_Row] = []
    district_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for lw in old.Ward.iter_all():
        dcode = _code(lw.district_code, 3)
        pcode = district_province.get(dcode)
        if pcode is None:
            continue
        row = _Row(
            _code(lw.code, 5),
            lw.name,
            C,
            PACKAGE_TYPES[lw.division_type.value],
            TO,
            parent=(D, dcode, TO),
            province=(P, pcode, TO),
            current_province=(P, successor_of[pcode], None),
        )
        conversion = WARD_OLD_TO_NEW.get(int(lw.code))
        if conversion is not None:  # 28 communes are missing from the table: they follow their province
            main = _code(conversion.new_wards[0].code, 5)
            if new_commune_province[main] in kept:
                row.successor = (C, main, None)
                row.current_province = (P, new_commune_province[main], None)
        communes.append(row)
        district_votes[dcode][row.current_province[1]] += 1  # type: ignore[index]

    district_rows = []
    for d in districts:
        dcode, pcode = _code(d.code, 3), _code(d.province_code, 2)
        votes = district_votes[dcode]
        current = votes.most_common(1)[0][0] if votes else successor_of[pcode]
        district_rows.append(
            _Row(
                dcode,
                d.name,
                D,
                PACKAGE_TYPES[d.division_type.value],
                TO,
                parent=(P, pcode, TO),
                province=(P, pcode, TO),
                current_province=(P, current, None),
            )
        )
    return provinces + district_rows + communes


def _package_rows(only_provinces: set[str] | None) -> list[_Row]:
    """Every unit of both generations as rows, with links by key (resolved to ids when saving)."""
    current = _current_rows(only_provinces)
    kept = {r.code for r in current if r.level == Level.PROVINCE}
    return current + _legacy_rows(kept)


_LINKS = ("parent", "province", "current_province", "successor")
_FIELDS = ("name", "search_name", "type")


def _key_of(unit: AdministrativeUnit) -> Key:
    return (unit.level, unit.code, unit.valid_to)


@transaction.atomic
def units_load(
    *, only_provinces: Iterable[str] | None = None, report: LoadReport | None = None
) -> LoadReport:
    """Load or refresh administrative units and successions. `only_provinces` (codes of current
    provinces) limits the load to those provinces and the legacy units that roll up into them."""
    report = report or LoadReport()
    rows = _package_rows(set(only_provinces) if only_provinces is not None else None)
    existing = {_key_of(u): u for u in AdministrativeUnit.objects.all()}

    # Create in dependency order (current before legacy, province before district before commune) so
    # every link except a province's link to itself resolves at creation; the pass below fixes the rest.
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    groups: dict[tuple[bool, int], list[_Row]] = defaultdict(list)
    for r in rows:
        if r.key not in existing:
            groups[(r.valid_to is not None, order[Level(r.level)])].append(r)
    created_ids: set[int] = set()
    for group_key in sorted(groups):
        batch = [
            AdministrativeUnit(
                code=r.code,
                search_name=r.search_name,
                name=r.name,
                level=r.level,
                type=r.type,
                valid_to=r.valid_to,
                valid_from=REFORM_DATE if r.valid_to is None else None,
                **{
                    f"{link}_id": existing[target].pk
                    for link in _LINKS
                    if (target := getattr(r, link)) is not None and target in existing
                },
            )
            for r in groups[group_key]
        ]
        for unit in AdministrativeUnit.objects.bulk_create(batch, batch_size=2000):
            if unit.pk is None:  # a backend that does not return ids
                unit = AdministrativeUnit.objects.get(
                    level=unit.level, code=unit.code, valid_to=unit.valid_to
                )
            existing[_key_of(unit)] = unit
            created_ids.add(unit.pk)
    if created_ids:
        report.created["units"] += len(created_ids)

    changed: list[AdministrativeUnit] = []
    for r in rows:
        unit = existing[r.key]
        dirty = False
        for name in _FIELDS:
            if getattr(unit, name) != getattr(r, name):
                setattr(unit, name, getattr(r, name))
                dirty = True
        for link in _LINKS:
            target = getattr(r, link)
            target_id = existing[target].pk if target else None
            if getattr(unit, f"{link}_id") != target_id:
                setattr(unit, f"{link}_id", target_id)
                dirty = True
        if dirty:
            changed.append(unit)
    AdministrativeUnit.objects.bulk_update(changed, [*_FIELDS, *[f"{n}_id" for n in _LINKS]], batch_size=2000)
    updated_existing = len({u.pk for u in changed} - created_ids)
    if updated_existing:
        report.updated["units"] += updated_existing
    _successions_load(rows, existing, report)
    return report


def _successions_load(rows: list[_Row], units: dict[Key, AdministrativeUnit], report: LoadReport) -> None:
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    wanted: dict[tuple[int, int], tuple[bool, bool]] = {}  # (old id, new id) -> (primary, partial)
    for r in rows:
        if r.valid_to is None or r.level == Level.DISTRICT:
            continue
        old = units[r.key]
        if r.level == Level.PROVINCE:
            for ref in PROVINCE_OLD_TO_NEW[int(r.code)].new_provinces:
                new = units.get((Level.PROVINCE, _code(ref.code, 2), None))
                if new:
                    primary = new.pk == old.current_province_id
                    wanted[(old.pk, new.pk)] = (
                        primary,
                        len(PROVINCE_OLD_TO_NEW[int(r.code)].new_provinces) > 1,
                    )
        else:
            conversion = WARD_OLD_TO_NEW.get(int(r.code))
            if conversion is None:
                continue
            for i, ward_ref in enumerate(conversion.new_wards):
                new = units.get((Level.COMMUNE, _code(ward_ref.code, 5), None))
                if new:
                    wanted[(old.pk, new.pk)] = (i == 0, conversion.old_ward.is_partly_merged)

    have = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    create, update = [], []
    for (old_id, new_id), (primary, partial) in wanted.items():
        s = have.get((old_id, new_id))
        if s is None:
            create.append(
                UnitSuccession(
                    predecessor_id=old_id,
                    successor_id=new_id,
                    effective_date=REFORM_DATE,
                    is_primary=primary,
                    partial=partial,
                    legal_basis=REFORM_BASIS,
                )
            )
        elif (s.is_primary, s.partial) != (primary, partial):
            s.is_primary, s.partial = primary, partial
            update.append(s)
    UnitSuccession.objects.bulk_update(update, ["is_primary", "partial"])
    UnitSuccession.objects.bulk_create(create, batch_size=2000)
    if create:
        report.created["successions"] += len(create)
    if update:
        report.updated["successions"] += len(update)


@transaction.atomic
def regions_load(*, report: LoadReport | None = None) -> LoadReport:
    """Regions and their membership by year. Rows an administrator set by hand (basis 'manual')
    are never overwritten; a derived 2025 membership is recomputed only while it is still derived."""
    report = report or LoadReport()
    data = read_json(REGIONS_FILE)
    regions: dict[str, Region] = {}
    for item in data["regions"]:
        region, created = Region.objects.get_or_create(
            code=item["code"], defaults={"name": item["name"], "order": item["order"]}
        )
        regions[item["code"]] = region
        if created:
            report.created["regions"] += 1

    legacy = data["legacy"]
    listed: dict[str, str] = {}
    for region_code, members in legacy["members"].items():
        for code, _name in members:
            listed[code] = region_code
    legacy_provinces = AdministrativeUnit.objects.legacy().provinces()
    legacy_region: dict[str, str] = {}
    for province in legacy_provinces:
        region_code = listed.get(province.code, legacy["default_region"])
        legacy_region[province.code] = region_code
        if province.code in listed:
            expected = dict(legacy["members"][region_code])[province.code]
            if expected not in province.name:
                raise ValueError(
                    f"regions.json: province {province.code} is {province.name!r}, not {expected!r}"
                )
        _membership_upsert(
            regions[region_code],
            province,
            None,
            legacy["year_to"],
            RegionMembership.Basis.LISTED,
            "",
            report,
        )

    year_from = data["current"]["year_from"]
    by_new: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for province in legacy_provinces:
        by_new[province.current_province_id].append(province)  # type: ignore[index]
    for province in AdministrativeUnit.objects.current().provinces():
        formers = by_new.get(province.pk, [])
        if not formers:
            continue
        votes = Counter(legacy_region[p.code] for p in formers)
        top = max(votes.values())
        leaders = [code for code, n in votes.items() if n == top]
        seat = next((legacy_region[p.code] for p in formers if p.code == province.code), leaders[0])
        region_code = seat if seat in leaders else leaders[0]
        names = ", ".join(f"{p.name} ({regions[legacy_region[p.code]].name})" for p in formers)
        note = f"{votes[region_code]}/{len(formers)}: {names}"
        _membership_upsert(
            regions[region_code], province, year_from, None, RegionMembership.Basis.MAJORITY, note, report
        )
    return report


def _membership_upsert(
    region: Region,
    province: AdministrativeUnit,
    year_from: int | None,
    year_to: int | None,
    basis: str,
    note: str,
    report: LoadReport,
) -> None:
    rows = list(RegionMembership.objects.filter(province=province, year_from=year_from))
    if any(m.basis == RegionMembership.Basis.MANUAL for m in rows):
        return
    if not rows:
        RegionMembership.objects.create(
            region=region, province=province, year_from=year_from, year_to=year_to, basis=basis, note=note
        )
        report.created["region memberships"] += 1
        return
    m = rows[0]
    if (m.region_id, m.year_to, m.basis, m.note) != (region.pk, year_to, basis, note):
        m.region, m.year_to, m.basis, m.note = region, year_to, basis, note
        m.save()
        report.updated["region memberships"] += 1


def reference_load(
    *, only_provinces: Iterable[str] | None = None, report: LoadReport | None = None
) -> LoadReport:
    report = units_load(only_provinces=only_provinces, report=report)
    regions_load(report=report)
    return report
