"""The short answer: the phrase in an answer sentence that answers the question (a name, a place, a date, a number).

Used by the extractive mode, which has no model to write one. Classic answer-type matching: the question's wh-word says
what kind of phrase is wanted (``rag.question.answer_type``); candidates of that kind that the question does not already
contain are taken from the sentence, and the one nearest the question's own words wins. Falls back to the whole
sentence.

>>> short_answer("Where did Assad flee?", "Assad and his family fled the country, seeking refuge in Russia.")
'Russia'
"""

from __future__ import annotations

import re

from rag.question import answer_type

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
                   rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?"
                   rf"(?:{_MONTHS})(?:,?\s+\d{{4}})?|(?:{_MONTHS})\s+\d{{4}}|(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                   rf"Saturday|Sunday)|(?:19|20)\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.])[$£€]?\d[\d,]*(?:\.\d+)?(?:\s*(?:%|percent|million|billion|trillion|thousand|"
                     r"hundred|km|miles|years|days|people))?(?![\w])", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"‘']([^“”\"‘’']{2,60})[”\"’']")
_CONNECTORS = {"of", "de", "the", "and", "al", "bin", "van", "von", "da", "du", "la", "le", "&"}
_STOP = set("""a an the and or but of to in on at for from by with about as is are was were be been do does did what
which
who whom whose when where why how that this these those it its he she they his her their there has have had will would
can could should may might not no after before during this week recently new""".split())


def _stem(word: str) -> str:
    """Crude but language-agnostic: "apprehending" ~ "apprehend", "Russian" ~ "Russia"."""
    return word.lower()[:5]


def _name_spans(sentence: str) -> list[tuple[int, int]]:
    """Runs of capitalised words (allowing "of", "al-" … inside): names of people, places, organisations."""
    tokens = list(re.finditer(r"[\w’'.-]+", sentence))
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for index, token in enumerate(tokens):
        if run and sentence[run[-1].end():token.start()].strip():  # punctuation between words ends a name
            spans.append((run[0].start(), run[-1].end()))
            run = []
        word = token.group().strip(".")
        capital = word[:1].isupper() or word[:1].isdigit() and bool(run)
        inner = (word.lower() in _CONNECTORS and run and index + 1 < len(tokens)
                 and tokens[index + 1].group()[:1].isupper())
        if capital or inner:
            run.append(token)
            continue
        if run:
            spans.append((run[0].start(), run[-1].end()))
        run = []
    if run:
        spans.append((run[0].start(), run[-1].end()))
    return spans


def short_answer(question: str, sentence: str) -> str:
    """The phrase of ``sentence`` most likely to answer ``question``, or ``sentence`` itself if none stands out."""
    sentence = re.sub(r"\s*\[\d+\]", "", sentence).strip()
    asked = {_stem(w) for w in re.findall(r"[\w’'-]+", question)}
    kind = answer_type(question)
    pattern_spans = {
        "number": [m.span() for m in _NUMBER.finditer(sentence)],
        "date": [m.span() for m in _DATE.finditer(sentence)],
        "name": [m.span(1) for m in _QUOTED.finditer(sentence)] + _name_spans(sentence),
    }[kind]

    candidates = []
    for start, end in pattern_spans:
        phrase = sentence[start:end].strip(" .,;:’'\"")
        words = [w.lower() for w in re.findall(r"[\w’'-]+", phrase)]
        if not words or all(_stem(w) in asked or w in _STOP for w in words):
            continue  # repeats the question, or is only a capitalised stopword ("The", "This")
        if start == 0 and len(words) == 1 and (words[0] in _STOP or words[0].endswith("ly")):
            continue  # a capitalised first word is usually just the start of the sentence
        candidates.append((start, end, phrase))
    if not candidates:
        return sentence
    anchors = [m.start() for m in re.finditer(r"[\w’'-]+", sentence)
               if _stem(m.group()) in asked and m.group().lower() not in _STOP]

    def distance(candidate: tuple[int, int, str]) -> int:
        start, end, _ = candidate
        return min((min(abs(a - start), abs(a - end)) for a in anchors), default=start)

    return min(candidates, key=distance)[2]
