import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change to money, status or access, written by a service: who, when, what, before, after, why.

    Rows are only ever added (see core.audit); the admin shows them read-only.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # the import that wrote the change, when a file did (core.imports)
    import_run = models.ForeignKey(
        "ImportRun",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ListExport(models.Model):
    """A list's CSV or XLSX made by the worker because it has many rows (`core.tasks`): the list and
    the filter asked for, the progress, and the file when done. Only the user who asked sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="list_exports",
    )
    list_name = models.CharField(_("list"), max_length=80)
    query = models.TextField(_("filter"), blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    format = models.CharField(_("format"), max_length=8)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    content = models.BinaryField(_("file content"), null=True, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="core_listexport_progress")
        ]

    def __str__(self) -> str:
        return f"{self.list_name} {self.format} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}

    @property
    def list_url(self) -> str:
        """The list page with the filter the file was asked with."""
        return f"{self.path}?{self.query}" if self.query else self.path


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("being checked")
    INVALID = "invalid", _("has errors")
    CHECKED = "checked", _("checked, awaiting confirmation")
    IMPORTING = "importing", _("being imported")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


class ImportRun(models.Model):
    """One file brought in by an officer (core.imports): checked first (the dry run, nothing written),
    then imported on confirmation, all rows in one transaction or none. The file is kept with its
    SHA-256; the records it wrote carry it in their audit entries (`AuditEntry.import_run`)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("file checksum (SHA-256)"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content = models.BinaryField(_("file content"), editable=False)
    kind = models.CharField(_("kind"), max_length=40, blank=True, help_text=_("Empty: every sheet named."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    # {sheet: {"new": n, "unchanged": n, "update": n, "errors": n}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # the first errors (core.spreadsheets.CellError.as_dict) and how many there are in all
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # {sheet: {"start": first data row, "header": [column codes]}}: where the highlighted copy marks
    layout = models.JSONField(default=dict, blank=True, editable=False)
    failure = models.TextField(_("failure"), blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="core_importrun_progress")]

    def __str__(self) -> str:
        return f"{self.file_name} ({timezone.localtime(self.created_at):%d/%m/%Y %H:%M})"

    @property
    def running(self) -> bool:
        return self.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}

    def total(self, outcome: str) -> int:
        return sum(counts.get(outcome, 0) for counts in (self.counts or {}).values())
