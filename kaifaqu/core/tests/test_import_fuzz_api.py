"""Every API import refuses a table of malformed workbooks, naming row and column, writing nothing.

The imports come from the registry (kaifaqu.testing.import_fuzz), so a new import is covered here
without being named; the page imports are in test_import_fuzz_pages.py (a separate file, so the two
run on separate workers).
"""

import pytest

from kaifaqu.testing import import_fuzz


@pytest.mark.parametrize(("slug", "prefix"), import_fuzz.endpoints(), ids=[s for s, _p in import_fuzz.endpoints()])
def test_the_api_import_refuses_every_malformed_file(slug, prefix, zone_a, zone_b):
    users = import_fuzz.build_world(zone_a, zone_b)
    assert import_fuzz.run(slug, prefix, users, api=True) >= 20
