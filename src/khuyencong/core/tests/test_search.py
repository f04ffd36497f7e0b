"""Search ignores case and Vietnamese diacritics in the database, on SQLite and PostgreSQL alike."""

import pytest

from khuyencong.core.search import _FROM, _TO, folded_search
from khuyencong.core.text import fold
from khuyencong.geo.models import AdministrativeUnit


def test_every_vietnamese_letter_folds_to_one_plain_letter():
    assert len(_FROM) == len(_TO)
    assert all(len(fold(c)) == 1 for c in _FROM)
    assert set(_TO) <= set("abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(
    "typed", ["Phường Phan Rang", "phường phan rang", "PHƯỜNG PHAN RANG", "phuong phan rang", "Phuong PHAN"]
)
def test_a_name_is_found_however_it_is_typed(world, typed):
    units = AdministrativeUnit.objects.filter(pk=world.phan_rang.pk)
    assert list(folded_search(units, ("name",), typed)) == [world.phan_rang]


def test_other_letters_do_not_match(world):
    units = AdministrativeUnit.objects.filter(pk=world.phan_rang.pk)
    assert not folded_search(units, ("name",), "phan rạng x").exists()
    assert folded_search(units, ("name",), "   ").count() == 1  # nothing typed: no filter
    da_nang = AdministrativeUnit.objects.filter(pk=world.da_nang.pk)
    assert folded_search(da_nang, ("name",), "da nang").exists()
    assert folded_search(da_nang, ("name",), "ĐÀ NẴNG").exists()
