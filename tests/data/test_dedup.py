"""Exact and MinHash/LSH near-duplicate detection over questions."""

from __future__ import annotations

from sciglm.data.dedup import DedupConfig, deduplicate, exact_key

BASE = ("A train leaves the station at 3 pm travelling at 60 miles per hour towards a city "
        "that is 180 miles away. At what time does it arrive?")


def test_exact_duplicates_ignore_case_and_spacing() -> None:
    assert exact_key("Hello   World\n") == exact_key("hello world")
    result = deduplicate(["Hello World", "hello   world", "Something else entirely"],
                         DedupConfig(near=False))
    assert result.kept == [0, 2]
    assert [(d.index, d.kept, d.kind) for d in result.duplicates] == [(1, 0, "exact")]
    assert result.clusters == {0: [1]}


def test_near_duplicates_cluster_to_the_first() -> None:
    near = BASE.replace("3 pm", "3 p.m.")
    other = "Compute the derivative of x^3 sin(x) with respect to x and simplify the result."
    result = deduplicate([BASE, other, near, BASE.replace("arrive?", "arrive there?")])
    assert result.kept == [0, 1]
    assert {d.index: d.kept for d in result.duplicates} == {2: 0, 3: 0}
    assert all(d.kind == "near" and d.similarity >= 0.8 for d in result.duplicates)
    assert result.clusters == {0: [2, 3]}


def test_different_questions_are_kept_and_chinese_works() -> None:
    zh1 = ("已知函数 f(x)=x^2-2x+3，其中 x 为实数。求 f(x) 在区间 [0,3] 上的最大值和最小值，"
           "并写出取得最大值与最小值时 x 的值。")
    zh2 = zh1.replace("最大值和最小值", "最大值与最小值")
    zh3 = "一个物体从高处自由下落，经过 2 秒落地，求下落的高度。"
    result = deduplicate([zh1, zh2, zh3])
    assert result.kept == [0, 2]
    assert result.duplicates[0].index == 1


def test_turning_off_near_keeps_paraphrases() -> None:
    near = BASE.replace("3 pm", "3 p.m.")
    assert deduplicate([BASE, near], DedupConfig(near=False)).kept == [0, 1]
