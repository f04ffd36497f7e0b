from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khuyencong.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Django reads its blank choice's label from here (`get_blank_choice_label`, meant to be
        # replaced by an app's ready()): ours is translated.
        from django.db.backends.signals import connection_created
        from django.db.models import fields

        from .forms import EMPTY_CHOICE
        from .search import register_sqlite_fold

        fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE
        connection_created.connect(register_sqlite_fold, dispatch_uid="khuyencong.core.fold")
