"""List what is overdue (settlement dossiers, liquidations, progress reports), for a daily reminder."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from khuyencong.accounts.models import User
from khuyencong.core.formatting import format_date
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import overdue_items, projects_visible


class Command(BaseCommand):
    help = "List overdue project deadlines: the whole country, or what one user's jurisdiction holds."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="only what this user's jurisdiction holds")
        parser.add_argument("--on", type=dt.date.fromisoformat, help="the day to judge on (YYYY-MM-DD)")

    def handle(self, *args, user=None, on=None, **options):
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"no active user {user!r}")
            projects = projects_visible(account)
        else:
            account, projects = None, Project.objects.select_related("location", "managing_agency")
        items = overdue_items(account, on=on, projects=projects)
        for item in items:
            self.stdout.write(
                f"{item.project.code}\t{item.label}\t{format_date(item.due)}\t{item.days_late}\t"
                f"{item.project.managing_agency}\t{item.project.title}"
            )
        self.stderr.write(f"{len(items)} overdue")
