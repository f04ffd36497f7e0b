from pathlib import Path

import pytest
from django.conf import settings

from khuyencong.reporting.live import NATION, Period
from khuyencong.reporting.report import build_report


@pytest.mark.django_db
def test_every_top_level_key_is_documented(world):
    document = (Path(settings.BASE_DIR) / "docs" / "report-schema.md").read_text(encoding="utf-8")
    report = build_report(NATION, Period(2025, 9))
    for key in report:
        assert f"| `{key}` |" in document, f"docs/report-schema.md does not document `{key}`"
