"""Error pages in Chinese in the platform's style: 400, 403, 404 and 500 (which needs no context
processor and no database, since it is rendered when either may be what failed); the API answers a
server error in JSON."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from kaifaqu.core import home


def boom(request):
    raise RuntimeError("测试用的意外错误")


@pytest.fixture
def failing_home(monkeypatch):
    """The home page raises (one of its reminder providers fails)."""
    monkeypatch.setattr(home, "REMINDERS", [boom])


def test_a_server_error_is_a_chinese_500_page(client_for, alice, failing_home):
    c = client_for(alice)
    c.raise_request_exception = False
    r = c.get(reverse("home"))
    assert r.status_code == 500
    page = r.content.decode()
    assert "服务器出错" in page and "请联系系统管理员" in page
    assert "bootstrap.min.css" in page and "开发区管理平台" in page  # the platform's look
    assert "测试用的意外错误" not in page and "Traceback" not in page  # nothing of the error leaks


def test_the_500_page_needs_no_database_and_no_context_processor(rf, settings):
    # No database fixture: any query would raise.
    # Context processors that would fail if they ran: the 500 page must not run them.
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": ["kaifaqu.core.tests.test_error_pages.boom"]}}
    ]
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        r = server_error(rf.get("/projects/"))
    assert r.status_code == 500 and "服务器出错" in r.content.decode()


def test_an_api_server_error_is_json(client_for, alice, monkeypatch):
    from kaifaqu.projects import api as project_api

    monkeypatch.setattr(project_api.ProjectSerializer, "get_stage", lambda self, obj: boom(None))
    from kaifaqu.testing import factories as f

    f.ProjectFactory(zone=alice.zone)
    c = client_for(alice)
    c.raise_request_exception = False
    r = c.get("/api/projects/")
    assert r.status_code == 500 and r["Content-Type"] == "application/json"
    assert r.json() == {"detail": "服务器内部错误，请稍后再试或联系系统管理员"}


def test_a_missing_page_is_a_chinese_404_page(client_for, alice):
    r = client_for(alice).get("/no-such-page/")
    assert r.status_code == 404
    page = r.content.decode()
    assert "未找到该页面或记录" in page and "返回工作台" in page and 'id="usermenu"' in page


def test_a_forbidden_page_is_a_chinese_403_page(client_for, alice):
    r = client_for(alice).get(reverse("holiday_add"))
    assert r.status_code == 403
    page = r.content.decode()
    assert "无权限" in page and "您没有修改节假日安排的权限" in page


def test_a_bad_request_is_a_chinese_400_page(client):
    client.raise_request_exception = False
    r = client.get("/", HTTP_HOST="not-our-host.example")  # a Host header not in ALLOWED_HOSTS
    assert r.status_code == 400
    page = r.content.decode()
    assert "请求有误" in page and "开发区管理平台" in page


@override_settings(CSRF_COOKIE_SECURE=False)
def test_a_failed_csrf_check_is_a_chinese_403_page(db):
    from django.test import Client

    r = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert r.status_code == 403 and "页面已过期" in r.content.decode()


def test_the_error_pages_are_translated(client_for, alice, failing_home):
    c = client_for(alice)
    c.raise_request_exception = False
    c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Server error" in c.get(reverse("home")).content.decode()
    assert "Page or record not found" in c.get("/no-such-page/").content.decode()
