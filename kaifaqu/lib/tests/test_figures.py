"""Reading the figures of a zone's report or a news article, and checking a rate against the counts quoted beside
it by interval arithmetic on the digits shown (issue 13, the published-figure checker's first step)."""

from decimal import Decimal

from kaifaqu.lib import figures

SEED_000 = "在承接“京津冀”产业转移方面，共考察对接企业343家，目前共签约项目25个，总投资额379.85亿元，已开工项目15个，总投资额94亿元，开工率达62.5%。"  # noqa: E501
SEED_003 = "截至今年9月底，平鲁区全年实施总投资264.2亿元的171项重点工程项目，已开复工161个，开复工率达到94.2%。"


def by_text(claims):
    return {c.text: c for c in claims}


def test_seed_003_pinglu_figures_are_found_and_the_rate_follows_from_its_counts():
    claims = by_text(figures.find(SEED_003))
    assert set(claims) == {"264.2亿元", "171项", "161个", "94.2%"}
    assert claims["171项"].kind == "count" and claims["171项"].after.startswith("重点工程项目")
    assert claims["161个"].subject == "已开复工" and claims["94.2%"].subject == "开复工率"
    assert claims["264.2亿元"].wan == Decimal("2642000.0")
    assert {c.period for c in claims.values()} == {"1–9月"}
    [check] = [c for c in figures.internal_checks(list(claims.values())) if c.claim.unit == "%"]
    assert check.status == "consistent" and [c.text for c in check.inputs] == ["161个", "171项"]


def test_seed_000_rate_holds_only_with_one_fewer_in_the_denominator():
    claims = figures.find(SEED_000)
    assert [c.text for c in claims] == ["343家", "25个", "379.85亿元", "15个", "94亿元", "62.5%"]
    [check] = [c for c in figures.internal_checks(claims) if c.claim.unit == "%"]
    assert check.status == "internally_inconsistent"
    assert "15/25 = 60.0%" in check.message and "不是 62.5%" in check.message
    assert "若分母少 1 个" in check.message and "15/24" in check.message
    assert [c.text for c in check.inputs] == ["15个", "25个"]  # not the 343 enterprises visited


def test_a_rate_off_by_more_than_its_rounding_is_flagged_and_one_within_it_is_not():
    def verdict(text):
        claims = figures.find(text)
        return next(c for c in figures.internal_checks(claims) if c.claim.unit == "%")

    assert verdict("共实施项目3个，已开工2个，开工率66.7%。").status == "consistent"  # 66.666… rounds to 66.7
    assert verdict("共实施项目3个，已开工2个，开工率67%。").status == "consistent"  # fewer digits, wider interval
    off = verdict("共实施项目3个，已开工2个，开工率66.6%。")  # truncated, not rounded
    assert off.status == "internally_inconsistent" and "66.7%" in off.message
    assert verdict(SEED_003.replace("94.2%", "95.2%")).status == "internally_inconsistent"
    assert verdict(SEED_003.replace("94.2%", "94.15%")).status == "consistent"  # 94.152 rounds to 94.15


def test_interval_arithmetic_never_flags_a_rate_that_some_unrounded_inputs_give():
    def claim(text):
        return figures.find(text)[0]

    completed, planned = claim("完成投资119.84亿元"), claim("计划投资164.2亿元")
    lo, hi = figures.quotient_interval(completed, planned)
    assert lo < Decimal("119.84") * 100 / Decimal("164.2") < hi
    assert figures.rounds_to(lo, hi, claim("完成率73.0%")) and figures.rounds_to(lo, hi, claim("完成率73%"))
    assert not figures.rounds_to(lo, hi, claim("完成率73.2%"))
    # 73.0% from 119.84 / 164.2: 119.835 / 164.25 = 72.959…% and 119.845 / 164.15 = 73.009…% both round to 73.0.
    assert figures.rounds_to(lo, hi, claim("完成率72.96%")) and figures.rounds_to(lo, hi, claim("完成率73.01%"))


def test_bounds_approximations_periods_and_chinese_numerals():
    text = (
        "近三年来，外出招商210余次，对接企业400余家。1~6月工业投资完成21.73亿元，同比增长55.03%。"
        "该项目占地约120亩。今年新开工的两个2亿元以上的产业项目，年内都能达到投产条件。"
        "2020年至2024年已出让标准地35宗，出让面积达3332.20亩。第一批集中开工，这只是一个缩影。"
    )
    claims = by_text(figures.find(text))
    assert claims["210余次"].bound == "lower" and claims["210余次"].interval() == (Decimal(210), None)
    assert claims["约120亩"].bound == "approximate"
    assert claims["21.73亿元"].period == "1–6月" and claims["55.03%"].kind == "growth"
    assert claims["两个"].value == 2 and claims["2亿元以上"].bound == "lower"
    assert claims["35宗"].period == "2020–2024年" and claims["3332.20亩"].places == 2
    assert "一个" not in claims and not any(c.startswith("第") for c in claims)  # a manner of speaking, an ordinal


def test_a_text_without_figures_has_no_claims_and_a_rate_without_counts_is_not_checkable():
    assert figures.find("今年以来，开发区持续优化营商环境。") == []
    [check] = figures.internal_checks(figures.find("投资完成率73.0%。"))
    assert check.status == "not_checkable" and "分子和分母" in check.message


def test_a_breakdown_must_not_exceed_its_total_within_the_rounding_of_its_parts():
    def verdict(text):
        claims = figures.find(text)
        return next(c for c in figures.internal_checks(claims) if c.claim.parts)

    assert verdict("共签约项目25个，其中工业项目18个、服务业项目7个。").status == "consistent"
    over = verdict("共签约项目25个，其中工业项目18个、服务业项目9个。")
    assert over.status == "internally_inconsistent" and "18个+9个" in over.message and "25个" in over.message
    assert verdict("总投资379.85亿元，其中京津冀项目94亿元、本地项目300亿元。").status == "internally_inconsistent"
    assert verdict("总投资10亿元，其中甲项目5.34亿元、乙项目4.7亿元。").status == "consistent"  # 10 is 9.5–10.5
    assert verdict("总投资1亿元，其中甲项目6000万元、乙项目4000万元。").status == "consistent"  # units differ
    short = verdict("共签约项目25个，其中工业项目18个。")
    assert short.status == "not_checkable" and "未列全" in short.message
    mixed = verdict("共签约项目25个，其中工业项目18个、落地企业30家。").claim
    assert [c.text for c in mixed.parts] == ["18个"]  # 30 enterprises are not a part of 25 projects
