"""Validity periods: every unit, agency, agency name (and later catalogue item and norm) is in force
from `valid_from` to `valid_to`, both inclusive; an empty bound is open."""

import datetime as dt
from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def valid_on_q(on: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def in_force_during_q(year: int, prefix: str = "") -> Q:
    """Rows (at lookup `prefix`) in force on some day of `year`."""
    p = prefix
    return (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__year__lte": year})) & (
        Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__year__gte": year})
    )


class ValidityQuerySet[M: models.Model](models.QuerySet[M]):
    def valid_on(self, on: dt.date) -> Self:
        return self.filter(valid_on_q(on))


class Validity(models.Model):
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="%(app_label)s_%(class)s_valid_range",
            )
        ]

    def is_valid_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def in_force_during(self, year: int) -> bool:
        """Whether it was in force on some day of `year` (2025: both the old units and agencies, to
        30 June, and today's, from 1 July)."""
        return (self.valid_from is None or self.valid_from.year <= year) and (
            self.valid_to is None or self.valid_to.year >= year
        )
