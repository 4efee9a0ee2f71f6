"""Shared test fixtures: two cities, two zones and a user for every role.

The cast (as in healthchecks' tests): ``alice`` works in zone A (insider), ``bob`` is her
teammate, ``charlie`` works in zone B (outsider to zone A's records).
"""

import os

import pytest
import time_machine

from kaifaqu.testing import clock
from kaifaqu.testing import factories as f


def pytest_configure(config):
    # One frozen day for the whole run, shared with the xdist workers through the environment.
    os.environ.setdefault(clock.ENV, clock.test_date().isoformat())
    # Translations are compiled by the test set-up itself (the .mo files are not in git).
    if not hasattr(config, "workerinput"):
        from django.core.management import call_command

        call_command("compilemessages", verbosity=0, ignore=[".venv"])


def pytest_report_header(config):
    return f"frozen clock: {os.environ[clock.ENV]} 10:00 Asia/Shanghai ({clock.ENV})"


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Every test runs on the frozen day; ``time_machine.travel`` inside a test moves it further."""
    with time_machine.travel(clock.frozen_moment(clock.test_date()), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's language (Simplified Chinese), whatever the one before it chose."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (tests in accounts check it); MD5 keeps fixtures fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city_a(db):
    return f.CityFactory(code="140200", name="大同")


@pytest.fixture
def city_b(db):
    return f.CityFactory(code="140600", name="朔州")


@pytest.fixture
def zone_a(city_a):
    return f.ZoneFactory(name="云冈经济技术开发区", city=city_a)


@pytest.fixture
def zone_b(city_b):
    return f.ZoneFactory(name="平鲁经济技术开发区", city=city_b)


@pytest.fixture
def alice(zone_a):
    return f.UserFactory(username="alice", role="zone", zone=zone_a)


@pytest.fixture
def bob(zone_a):
    return f.UserFactory(username="bob", role="zone", zone=zone_a)


@pytest.fixture
def charlie(zone_b):
    return f.UserFactory(username="charlie", role="zone", zone=zone_b)


@pytest.fixture
def province_user(db):
    return f.UserFactory(username="sheng", role="province")


@pytest.fixture
def city_user(city_a):
    return f.UserFactory(username="datong", role="city", city=city_a)


@pytest.fixture
def agent(zone_a):
    return f.UserFactory(username="daiban", role="agent", zone=zone_a)


@pytest.fixture
def enterprise_a(zone_a):
    return f.EnterpriseFactory(name="山西华阳碳材科技有限公司", zones=[zone_a])


@pytest.fixture
def enterprise_user(enterprise_a):
    return f.UserFactory(username="huayang", role="enterprise", enterprise=enterprise_a)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_terminal_summary(terminalreporter):
    """The scope matrix's count of checks (kaifaqu/testing/scope_matrix.py), also from xdist workers."""
    from collections import Counter

    reports = [r for group in terminalreporter.stats.values() for r in group if getattr(r, "when", "") == "call"]
    props = [dict(getattr(r, "user_properties", ())) for r in reports]
    counts = [p["scope_checks"] for p in props if "scope_checks" in p]
    if counts:
        actions = Counter()
        for p in props:
            actions.update(p.get("scope_actions", {}))
        terminalreporter.write_sep("-", f"scope matrix: {sum(counts)} checks in {len(counts)} tests")
        terminalreporter.write_line("  " + ", ".join(f"{a} {n}" for a, n in sorted(actions.items())))
