"""Projects asks finance through ports, bound when finance loads (projects.ports, workflow.bind_service)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from khuyencong.finance import services as finance_services
from khuyencong.finance.ports import ProjectMoney
from khuyencong.projects import ports, workflow


def test_every_action_that_moves_money_is_bound_to_the_service_the_table_names():
    named = {t.action: t.service for t in workflow.TRANSITIONS if t.service != workflow.PROJECT_SERVICE}
    assert named == {
        "contract": "finance.services.contract_sign",
        "liquidate": "finance.services.project_liquidate",
        "stop": "finance.services.project_stop",
    }
    for action, service in named.items():
        assert workflow.bound_service(action) is getattr(finance_services, service.rsplit(".", 1)[1])


def test_a_service_bound_under_another_name_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"names finance\.services\.project_stop"):
        workflow.bind_service("stop", finance_services.project_liquidate)
    with pytest.raises(ImproperlyConfigured):
        workflow.bind_service("approve", finance_services.project_stop)  # projects' own action
    assert workflow.bound_service("stop") is finance_services.project_stop


def test_the_money_port_is_finance():
    assert isinstance(ports.money(), ProjectMoney)
