"""Login, logout, password change, Argon2 hashing, throttled failed logins, token API."""

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from kaifaqu.testing import factories as f

PASSWORD = "Secret-pass-2026"


@pytest.fixture
def argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(argon2, zone_a):
    user = f.UserFactory(username="newbie", zone=zone_a)
    assert user.password.startswith("argon2$")
    assert check_password(PASSWORD, user.password)


def test_login_and_logout(client, alice):
    r = login(client, "alice", PASSWORD)
    assert r.status_code == 302 and r["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_chinese_message(client, alice):
    r = login(client, "alice", "wrong")
    assert r.status_code == 200 and "请输入一个正确的" in r.content.decode()


def test_repeated_failed_logins_lock_the_account_for_a_while(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong")
    r = login(client, "alice", PASSWORD)
    assert r.status_code == 429
    assert "暂时锁定" in r.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_other_users_are_not_locked_by_someone_elses_failures(client, alice, bob, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_password_change(client_for, alice):
    c = client_for(alice)
    r = c.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-pass-2027", "new_password2": "Another-pass-2027"},
    )
    assert r.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Another-pass-2027")


def test_token_authentication_for_the_api(client, alice, zone_a):
    r = client.post(reverse("api-token"), {"username": "alice", "password": PASSWORD})
    token = r.json()["token"]
    r = client.get("/api/zones/", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200 and r.json()["results"][0]["name"] == zone_a.name
    assert client.get("/api/zones/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_token_endpoint_is_throttled_too(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("api-token"), {"username": "alice", "password": "wrong"})
    r = client.post(reverse("api-token"), {"username": "alice", "password": PASSWORD})
    assert r.status_code == 400 and "token" not in r.json()  # locked: even the right password gets no token


def test_role_assignment_is_enforced_by_the_database(db):
    from django.db import IntegrityError, transaction

    from kaifaqu.accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nozone", role="zone")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nocity", role="city")
