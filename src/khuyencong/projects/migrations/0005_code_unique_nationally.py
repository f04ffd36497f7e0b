"""Project codes become unique nationally: each code starts with the GSO code of the managing agency's
province (TW for the ministry and the regions). "KCĐP-2025-001" of Khánh Hòa's centre becomes
"56-KCĐP-2025-001". Where two agencies of one province code had the same code in a year (an old
province's centre and its successor's), the later project takes the next free number of the series."""

import re

from django.conf import settings
from django.db import migrations, models

NUMBERED = re.compile(r"^(?P<series>.*-)(?P<number>\d+)$")


def _prefix(agency, provinces):
    unit = agency.jurisdiction_unit
    if unit is None:
        return "TW"
    if unit.level == "province":
        return unit.code
    province_id = unit.province_id or unit.current_province_id
    return provinces[province_id] if province_id in provinces else unit.code


def new_codes(rows, prefixes):
    """{pk: code} for `rows` of (pk, old code, managing agency id), in the order given (the earlier
    keeps its number on a clash), with `prefixes` {agency id: prefix}."""
    wanted = [(pk, f"{prefixes[agency]}-{code}") for pk, code, agency in rows]
    highest: dict[str, int] = {}
    for _pk, code in wanted:
        if match := NUMBERED.match(code):
            series = match["series"]
            highest[series] = max(highest.get(series, 0), int(match["number"]))
    used: set[str] = set()
    codes = {}
    for pk, code in wanted:
        if code in used:
            match = NUMBERED.match(code)
            series = match["series"] if match else f"{code}-"
            highest[series] = highest.get(series, 0) + 1
            code = f"{series}{highest[series]:03d}"
        used.add(code)
        codes[pk] = code
    return codes


def prefix_codes(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    Agency = apps.get_model("accounts", "Agency")
    AdministrativeUnit = apps.get_model("geo", "AdministrativeUnit")
    provinces = dict(AdministrativeUnit.objects.filter(level="province").values_list("pk", "code"))
    prefixes = {a.pk: _prefix(a, provinces) for a in Agency.objects.select_related("jurisdiction_unit")}
    rows = Project.objects.order_by("year", "managing_agency_id", "pk").values_list("pk", "code", "managing_agency_id")
    codes = new_codes(list(rows), prefixes)
    changed = [Project(pk=pk, code=code) for pk, code in codes.items()]
    Project.objects.bulk_update(changed, ["code"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_agency_successor'),
        ('establishments', '0001_initial'),
        ('geo', '0001_initial'),
        ('plans', '0001_initial'),
        ('projects', '0004_overdue_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='project',
            name='projects_project_code_unique',
        ),
        migrations.RunPython(prefix_codes, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.UniqueConstraint(fields=('code',), name='projects_project_code_national'),
        ),
    ]
