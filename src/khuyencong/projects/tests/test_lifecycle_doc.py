from pathlib import Path

from django.conf import settings

from khuyencong.projects.workflow import TRANSITIONS, lifecycle_markdown


def test_the_lifecycle_document_is_generated_from_the_table():
    """docs/project-lifecycle.md must be regenerated (khuyencong lifecycle_doc) when the table changes."""
    document = (Path(settings.BASE_DIR) / "docs" / "project-lifecycle.md").read_text(encoding="utf-8")
    assert document == lifecycle_markdown()
    for transition in TRANSITIONS:
        assert f"`{transition.action}`" in document
