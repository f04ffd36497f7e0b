"""The filters of the event lists: the page's filter panel, its exports and the API's query parameters."""

from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.filters import ProvinceFilter
from khuyencong.core.filters import ChoiceFilter, ListFilter, SearchFilter, YearFilter

from .choices import FairLevel, SelectionLevel, TitleKind, TrainingKind


class FairFilter(ListFilter):
    year = YearFilter(field_name="start_date__year")
    q = SearchFilter(fields=("name", "place"))
    level = ChoiceFilter(label=_("Level"), choices=FairLevel.choices)
    province = ProvinceFilter("location__current_province")


class SelectionFilter(ListFilter):
    year = YearFilter(field_name="year")
    q = SearchFilter(fields=("name",))
    level = ChoiceFilter(label=_("Level"), choices=SelectionLevel.choices)
    province = ProvinceFilter("unit__current_province")


class TitleFilter(ListFilter):
    year = YearFilter(field_name="year")
    q = SearchFilter(fields=("person_name", "craft"))
    kind = ChoiceFilter(label=_("Honorary title"), choices=TitleKind.choices)
    province = ProvinceFilter("unit__current_province")


class TrainingFilter(ListFilter):
    year = YearFilter(field_name="start_date__year")
    q = SearchFilter(fields=("title",))
    kind = ChoiceFilter(label=_("Kind"), choices=TrainingKind.choices)
    province = ProvinceFilter("location__current_province")
