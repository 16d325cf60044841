"""Rule filters: each rule drops what it names and keeps real worked solutions."""

from __future__ import annotations

import json

import pytest

from sciglm.data import rules
from sciglm.errors import SciglmError

CFG = rules.RuleConfig()
Q = "What is the sum of the first five positive integers?"


@pytest.mark.parametrize("response, rule", [
    ("   ", "empty"),
    ("15", "too_short"),
    ("x" * 20000 + " \\boxed{1}", "too_long"),
    ("We add them up carefully.\n" * 4 + "The answer is 15.", "repeated_lines"),
    ("We add 1 + 2 + 3 + 4 + 5 and therefore", "unfinished"),
    ("Summing gives \\boxed{15", "unfinished"),
    ("首先我们把这五个数加起来，得到十五，所以答案是十五。", "wrong_language"),
    ("We add the numbers one by one and get a total of fifteen overall.", "answer_not_stated"),
])
def test_each_rule_drops_what_it_names(response: str, rule: str) -> None:
    found = rules.check(Q, response, list(rules.RULES), CFG)
    assert found is not None and found[0] == rule, found


def test_good_solutions_pass() -> None:
    good = "1 + 2 + 3 + 4 + 5 = 15.\nSo the answer is \\boxed{15}."
    assert rules.check(Q, good, list(rules.RULES), CFG) is None
    zh_q = "已知集合 $A=\\{1,2\\}$，求 $A$ 的子集个数。"
    zh_a = "解：集合 $A$ 有 2 个元素，子集个数为 $2^2=4$。\n故答案为：4。"
    assert rules.check(zh_q, zh_a, list(rules.RULES), CFG) is None
    english_for_chinese = "The set has two elements, so it has 2^2 = 4 subsets. The answer is 4."
    assert rules.check(zh_q, english_for_chinese, list(rules.RULES), CFG)[0] == "wrong_language"


def test_length_limit_finish_reason_is_unfinished() -> None:
    found = rules.check(Q, "The answer is \\boxed{15}.", ["unfinished"], CFG, "length")
    assert found and found[0] == "unfinished"


def test_parse_rules() -> None:
    assert rules.parse_rules("all") == list(rules.RULES)
    assert rules.parse_rules("none") == []
    assert rules.parse_rules("empty,too_short") == ["empty", "too_short"]
    assert "wrong_language" not in rules.parse_rules("-wrong_language")
    with pytest.raises(SciglmError, match="unknown rule 'nope'"):
        rules.parse_rules("nope")


def test_reference_solutions_of_public_sets_rarely_dropped(shared_data) -> None:
    """MATH and GSM8K reference solutions are good: at most 0.1% may trip a rule."""
    for path, q, a in (("math/test500.jsonl", "problem", "solution"),
                       ("gsm8k/test.jsonl", "question", "answer")):
        rows = [json.loads(line) for line in open(shared_data / path, encoding="utf-8")]
        dropped = [r for r in rows if rules.check(r[q], r[a], list(rules.RULES), CFG)]
        assert len(dropped) <= len(rows) // 1000, (path, len(dropped))
