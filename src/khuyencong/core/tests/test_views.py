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


def test_out_of_jurisdiction_goes_on_to_the_404(request_):
    """Left to core.middleware.AccessRefusals (below), with no message shown."""
    with pytest.raises(NotInJurisdiction):
        attempt(request_, _raise(NotInJurisdiction()), success="done")
    assert not list(get_messages(request_))


def test_a_role_refusal_goes_on_to_the_403(request_):
    with pytest.raises(PermissionDenied):
        attempt(request_, _raise(PermissionDenied()), success="done")
    assert not list(get_messages(request_))


def test_another_refusal_is_shown_and_falsy(request_):
    assert not attempt(request_, _raise(ValidationFailed("no")), success="done")
    assert [str(m) for m in get_messages(request_)] == ["no"]


def test_success_returns_the_result_and_says_so(request_):
    assert attempt(request_, lambda: 7, success=lambda n: f"got {n}") == 7
    assert attempt(request_, lambda: None, success="done") is True
    assert [str(m) for m in get_messages(request_)] == ["got 7", "done"]


def test_access_refusals_become_404_and_403_for_pages():
    """Pages let the services' access refusals propagate; one middleware answers for them all."""
    from khuyencong.core.middleware import AccessRefusals

    middleware = AccessRefusals(lambda request: None)
    request = RequestFactory().get("/")
    with pytest.raises(Http404):
        middleware.process_exception(request, NotInJurisdiction())
    with pytest.raises(Forbidden):
        middleware.process_exception(request, PermissionDenied())
    assert middleware.process_exception(request, ValidationFailed("x", code="invalid")) is None
