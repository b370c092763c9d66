"""Scorers against values worked out by hand."""

import pytest

from eval.scoring import (
    all_facts,
    answer_rank,
    citation_precision,
    exact_match,
    fact_stated,
    facts_stated,
    gold_rank,
    grounded_facts,
    hit_at,
    key_fact_recall,
    mean,
    normalize_answer,
    normalize_text,
    percentile,
    reciprocal_rank,
    says_not_given,
    token_f1,
)


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


# --- open questions: key facts (rtqa-open-dev's definitions) ---

def test_open_normalisation_replaces_punctuation_by_spaces():
    assert normalize_text("The  “U-Haul” truck’s driver—an official!") == "u haul truck s driver official"
    assert normalize_text("‘Humanitarian reasons’") == normalize_text("'humanitarian reasons'") == "humanitarian reasons"
    assert normalize_text("10,000 visitors") == "10 000 visitors"  # SQuAD's normalize_answer would say "10000"
    assert normalize_text("A theory, an idea; the end.") == "theory idea end"
    assert normalize_text(None) == ""


def test_fact_stated_matches_whole_words_after_normalising():
    assert fact_stated("Police arrested 31 men in a U-Haul.", ["31 men"])
    assert not fact_stated("Police arrested 310 men.", ["31"])  # "31" is not in "310"
    assert not fact_stated("Police arrested 131 men.", ["31"])
    assert fact_stated("They were charged with conspiracy-to-riot.", ["conspiracy to riot"])
    assert fact_stated("Rain fell on “rapid snowmelt”.", ["snowmelt"])
    assert fact_stated("Assad’s rule ended", ["Assad's rule"])  # curly and straight apostrophes are the same
    assert not fact_stated("Europeans agreed", ["Europe"])
    assert fact_stated("It opens in IE mode", ["Internet Explorer mode", "IE mode"])  # any alias will do
    assert not fact_stated("anything", ["", "  ", "the"])  # an alias that normalises to nothing matches nothing


def test_key_fact_recall_all_facts_by_hand():
    facts = [["snowmelt"], ["Gardiner"], ["10,000"], ["1918"]]
    text = "Heavy rain on snowmelt flooded Gardiner; more than 10,000 visitors left."
    assert facts_stated(text, facts) == [True, True, True, False]
    assert key_fact_recall(text, facts) == 0.75 and all_facts(text, facts) == 0.0
    assert all_facts(text + " The river beat its 1918 record.", facts) == 1.0
    assert key_fact_recall("about 100,000 visitors", [["10,000"]]) == 0.0
    assert key_fact_recall("x", []) is None and all_facts("x", []) is None


def test_grounded_facts_counts_stated_facts_found_in_cited_passages():
    facts = [["Homs"], ["December 8th", "Dec. 8"], ["Russia"], ["Nayrab"]]
    answer = "Homs fell, Damascus fell on Dec. 8 [1], and Assad fled to Russia [2]."  # states 3 of the 4 facts
    cited = ["The opposition took Homs and Hama.", "Damascus fell on December 8th."]
    # Homs: in passage 1; the date: stated as "Dec. 8", cited as "December 8th" (another alias still counts);
    # Russia: stated but in no cited passage; Nayrab: not stated, so not counted at all -> 2 / 3
    assert grounded_facts(answer, facts, cited) == pytest.approx(2 / 3)
    assert grounded_facts(answer, facts, []) == 0.0
    assert grounded_facts("Nothing relevant.", facts, cited) is None


@pytest.mark.parametrize("text", [
    "The articles do not give a death toll; they report that clashes erupted in Aleppo province [1].",
    "The indexed articles do not cover this question, so I cannot answer it from them.",
    "The sources do not say.",
    "The sources don’t say [1].",
    "The article does not report any statement by Russia.",
    "The provided articles do not specify how many people were killed.",
    "The articles, however, do not mention a commander.",
    "None of the articles mention the population of Aleppo.",
    "Neither article names a commander.",
    "The death toll is not stated in the sources.",
    "The population of Aleppo is not mentioned in the provided articles.",
    "There is no information about casualties in the articles.",
    "The articles make no mention of casualties.",
    "This cannot be determined from the sources.",
    "I could not find a death toll in the articles.",
])
def test_says_not_given_positives(text):
    assert says_not_given(text)


@pytest.mark.parametrize("text", [
    "Police arrested 31 members of Patriot Front, including founder Thomas Rousseau [1].",
    "Police did not say how many people were hurt, but 31 men were arrested [1].",  # the police, not the articles
    "Russia did not say why it granted asylum.",
    "Sources said the talks did not cover trade.",  # anonymous sources in the news
    "The articles report that the flooding forced more than 10,000 visitors out [2].",
    "The articles report no deaths.",  # a fact: nobody died
    "The reports say 31 men were arrested and no one was hurt.",
    "Officials say the source of the fire is not known.",
    "",
])
def test_says_not_given_negatives(text):
    assert not says_not_given(text)


def test_retrieval_metrics_over_bare_ranks_by_hand():
    from eval.metrics import retrieval_scores

    # gold ranks 1, missed, 3, 6: hit@1 1/4, @5 2/4, @10 3/4, MRR (1 + 0 + 1/3 + 1/6) / 4; answer ranks 2, missed
    assert retrieval_scores([1, None, 3, 6], [2, None]) == {
        "hit@1": 0.25, "hit@5": 0.5, "hit@10": 0.75, "mrr": 0.375,
        "answer_recall@1": 0.0, "answer_recall@5": 0.5, "answer_recall@10": 0.5}
    assert set(retrieval_scores([], [])) == {"hit@1", "hit@5", "hit@10", "mrr", "answer_recall@1", "answer_recall@5",
                                             "answer_recall@10"} and retrieval_scores([], [])["mrr"] is None
