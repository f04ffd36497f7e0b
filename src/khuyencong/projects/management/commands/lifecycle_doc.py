"""Write docs/project-lifecycle.md from the lifecycle table (projects.workflow.TRANSITIONS)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from khuyencong.projects.workflow import lifecycle_markdown

DEFAULT = Path(settings.BASE_DIR) / "docs" / "project-lifecycle.md"


class Command(BaseCommand):
    help = "Write the project lifecycle document from the transition table."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT))

    def handle(self, *args, output, **options):
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(lifecycle_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
