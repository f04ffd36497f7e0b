from django.core.management.base import BaseCommand

from khuyencong.accounts.models import User
from khuyencong.demo.accounts import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the server will listen")

    def handle(self, *args, url, **options):
        users = {
            u.username: u
            for u in User.objects.select_related("agency").filter(username__in=[u[0] for u in DEMO_USERS])
        }
        self.stdout.write("\nTài khoản demo / demo logins — mật khẩu / password: " + DEMO_PASSWORD)
        for username, _full_name, role, _agency in DEMO_USERS:
            user = users.get(username)
            if user:
                self.stdout.write(f"  {username:<10} {role.label:<32} {user.agency}")
        self.stdout.write(f"Mở / open {url}\n")
