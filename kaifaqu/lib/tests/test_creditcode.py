from hypothesis import given
from hypothesis import strategies as st

from kaifaqu.lib import creditcode

first17 = st.builds(
    lambda head, division, org: head + division + org,
    st.sampled_from(["91", "92", "93", "11", "12", "51", "Y1"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=creditcode.ALPHABET, min_size=9, max_size=9),
)


def test_it_accepts_a_published_code():
    # 91350100M000100Y43 is the worked example used across GB 32100 references.
    assert creditcode.is_valid("91350100M000100Y43")


def test_it_names_the_broken_rule():
    assert creditcode.problem("91350100M000100Y4") == "length"
    assert creditcode.problem("91350100M000100YI3") == "charset"
    assert creditcode.problem("913501A0M000100Y43") == "division"
    assert creditcode.problem("91350100M000100Y44") == "check"


@given(first17)
def test_completed_codes_are_valid(prefix):
    assert creditcode.is_valid(creditcode.complete(prefix))


@given(first17, st.integers(min_value=0, max_value=16), st.sampled_from(creditcode.ALPHABET))
def test_changing_one_character_is_caught(prefix, position, char):
    code = creditcode.complete(prefix)
    changed = code[:position] + char + code[position + 1 :]
    if changed != code:
        assert not creditcode.is_valid(changed)
