"""How `attempt` turns a service's answer into what the page does."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.test import RequestFactory

from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.core.views import attempt


@pytest.fixture
def request_():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _raise(exc):
    def call():
        raise exc

    return call


def test_out_of_jurisdiction_is_not_found(request_):
    with pytest.raises(Http404):
        attempt(request_, _raise(NotInJurisdiction()), success="done")
    assert not list(get_messages(request_))


def test_a_role_refusal_is_forbidden(request_):
    with pytest.raises(Forbidden):
        attempt(request_, _raise(PermissionDenied()), success="done")


def test_another_refusal_is_shown_and_falsy(request_):
    assert not attempt(request_, _raise(ValidationFailed("no")), success="done")
    assert [str(m) for m in get_messages(request_)] == ["no"]


def test_success_returns_the_result_and_says_so(request_):
    assert attempt(request_, lambda: 7, success=lambda n: f"got {n}") == 7
    assert attempt(request_, lambda: None, success="done") is True
    assert [str(m) for m in get_messages(request_)] == ["got 7", "done"]
