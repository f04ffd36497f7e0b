import pytest
from django.test import RequestFactory

from khuyencong.core import panels


def test_contributions_merge_and_may_not_share_a_name(monkeypatch):
    monkeypatch.setattr(panels, "_contributions", panels.defaultdict(list))
    request = RequestFactory().get("/")
    panels.contribute("page", lambda request, obj: {"a": obj})
    panels.contribute("page", lambda request, obj: {"b": obj * 2})
    assert panels.panels("page", request, 2) == {"a": 2, "b": 4}
    assert panels.panels("another", request, 2) == {}
    panels.contribute("page", lambda request, obj: {"a": 0})
    with pytest.raises(ValueError, match=r"\['a'\] contributed twice"):
        panels.panels("page", request, 2)
