"""Scorers against values worked out by hand."""

import pytest

from eval.scoring import (answer_rank, citation_precision, exact_match, gold_rank, hit_at, mean, normalize_answer,
                          percentile, reciprocal_rank, token_f1)


def test_normalisation_drops_case_punctuation_articles_and_spaces():
    assert normalize_answer("The  “Squid Game”!") == "squid game"
    assert normalize_answer("An apple, a pear & the plum.") == "apple pear plum"
    assert normalize_answer("$5.00") == "500"  # as SQuAD: punctuation goes, even inside numbers
    assert normalize_answer(None) == ""


def test_exact_match():
    assert exact_match("the Squid Game", "“Squid Game”") == 1.0
    assert exact_match("Squid Games", "Squid Game") == 0.0
    assert exact_match(None, "x") == 0.0


def test_token_f1_by_hand():
    # prediction: [aleppo, province, north] ; gold: [aleppo, province] -> P = 2/3, R = 1, F1 = 0.8
    assert token_f1("Aleppo province, north", "Aleppo province") == pytest.approx(0.8)
    # prediction [a b b] vs gold [b b c]: common = min counts: b 2 -> P = 2/3, R = 2/3, F1 = 2/3
    assert token_f1("x y y", "y y z") == pytest.approx(2 / 3)
    assert token_f1("Russia", "Moscow") == 0.0
    assert token_f1("", "") == 1.0 and token_f1("", "x") == 0.0


def test_gold_rank_hit_and_mrr():
    retrieved = ["https://a.com/1", "http://www.b.com/2/", "https://c.com/3?utm=x", "https://b.com/2"]
    assert gold_rank(retrieved, ["https://b.com/2"]) == 2  # scheme, www and trailing slash ignored
    assert gold_rank(retrieved, ["https://c.com/3"]) == 3  # query ignored
    assert gold_rank(retrieved, ["https://d.com/4"]) is None
    assert [hit_at(2, k) for k in (1, 5, 10)] == [0.0, 1.0, 1.0]
    assert hit_at(None, 10) == 0.0
    # MRR over three questions with first gold at ranks 1, 4 and never: (1 + 0.25 + 0) / 3
    assert mean([reciprocal_rank(r) for r in (1, 4, None)]) == pytest.approx(1.25 / 3)


def test_answer_recall_rank_needs_whole_words():
    passages = ["Prices rose to $6 a gallon.", "The Europeans agreed.", "Europe will require USB-C."]
    assert answer_rank(passages, "Europe") == 3  # "Europeans" in passage 2 is not the answer "Europe"
    assert answer_rank(passages, "$6") == 1
    assert answer_rank(passages, "Asia") is None
    recall_at = lambda k: mean([hit_at(r, k) for r in (3, 1, None)])  # noqa: E731
    assert (recall_at(1), recall_at(5)) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_citation_precision_and_mean_skip_unmeasurable():
    assert citation_precision(["https://a.com/1", "https://x.com/9"], ["https://a.com/1"]) == 0.5
    assert citation_precision([], ["https://a.com/1"]) is None
    assert mean([1.0, None, 0.0]) == 0.5 and mean([None]) is None


def test_percentiles_interpolate_like_numpy():
    values = [10, 20, 30, 40, 100]
    assert percentile(values, 50) == 30
    assert percentile(values, 95) == pytest.approx(88.0)  # position 3.8 -> 40 + 0.8 * 60
    assert percentile([], 50) is None
