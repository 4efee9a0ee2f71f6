"""Which users a user sees (to assign work, to filter by agent): by the one scoping mechanism, like every record.
A zone's users see the zone's users; a city its own staff and its zones'; an enterprise contact only themselves."""

from kaifaqu.accounts.models import User
from kaifaqu.core.scoping import ScopedQuerySet
from kaifaqu.testing import factories as f


def seen(user) -> set[str]:
    return set(User.objects.for_user(user).values_list("username", flat=True))


def test_users_are_scoped_by_core_scoping():
    assert type(User.objects.all()).for_user is ScopedQuerySet.for_user


def test_each_role_sees_its_colleagues(alice, bob, charlie, agent, city_user, enterprise_user, province_user, city_b):
    other_city = f.UserFactory(username="shuozhou", role="city", city=city_b)
    everyone = {u.username for u in (alice, bob, charlie, agent, city_user, enterprise_user, province_user, other_city)}
    assert seen(province_user) == everyone
    assert seen(city_user) == {"alice", "bob", "daiban", "datong"}
    assert seen(other_city) == {"charlie", "shuozhou"}
    assert seen(alice) == seen(agent) == {"alice", "bob", "daiban"}
    assert seen(enterprise_user) == {"huayang"}
    assert seen(User(role="zone", is_active=True)) == set()
