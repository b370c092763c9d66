"""What a claim asserts, and whether passages state it.

A claim is an answer sentence (or a quiz answer's phrase) with its [n] markers. What makes it checkable is what a
reader would take on trust: its numbers, dates, names, quoted words and, for a short phrase, every word
(``specifics``). The passages ``support`` it when each of those occurs in them after folding away differences of
form (``rag.answering.normalise``). A claim that says "<name> said/demanded/…" must also find that name acting in a
passage, not merely mentioned ("the new authorities demanded Russian cooperation" does not support "Russia
demanded …"); ``speaks`` asks the same of a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.citations import MARKERS
from rag.answering.normalise import MONTHS, NOT_NAMES, STOPWORDS, cached_fold, fold, same_name, word_set
from rag.answering.sentences import sentences
from rag.types import Passage

_DAYS = set("monday tuesday wednesday thursday friday saturday sunday".split())
# Verbs that attribute an act or a statement to someone: "X said", "X demanded" must find X doing it in the source.
_ATTRIBUTION = re.compile(r"^(?:said|says|say|told|stated|announc|declar|demand|call|urg|warn|deni|deny|claim|"
                          r"accus|ask|pledg|promis|threat|vow|insist|condemn|prais|blam|refus|reject|confirm|"
                          r"report|respond|repli|agre)")

@dataclass(frozen=True)
class Specifics:
    """What a claim asserts that a source must state: exact tokens (numbers, dates, quoted words, a short phrase's
    words), name words (allowed their adjective form), (name, verb) pairs of attributed acts, and phrases that must
    occur word for word (a quiz answer; an amount such as "10 million", whose parts prove nothing apart)."""

    exact: tuple[str, ...]
    names: tuple[str, ...]
    attributions: tuple[tuple[str, str], ...]
    phrases: tuple[str, ...] = ()


def specifics(claim: str, phrase: bool = False) -> Specifics:
    """The checkable parts of ``claim``. ``phrase``: the claim is a short answer, so every content word counts."""
    text = MARKERS.sub(" ", claim)
    tokens = re.findall(r"\d[\d,.]*\d|\w+(?:[.'’-]\w+)*", text)
    exact: list[str] = []
    names: list[str] = []
    attributions: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        folded = fold(token)
        if not folded:
            continue
        if re.search(r"\d", token) or folded in MONTHS.values() or folded in _DAYS:
            exact.extend(folded.split())
        elif phrase and folded not in STOPWORDS:
            exact.extend(folded.replace("-", " ").split())
        elif token[:1].isupper() and folded not in NOT_NAMES:
            opener = index == 0 or re.search(r"[.!?:]\s*$", text[:text.find(token)])
            next_is_name = index + 1 < len(tokens) and tokens[index + 1][:1].isupper()
            acts = any(_ATTRIBUTION.match(t.lower()) for t in tokens[index + 1:index + 3])
            if opener and not next_is_name and not acts:
                continue  # a capital that only marks a sentence's start
            names.extend(w for w in folded.replace("-", " ").split() if w not in NOT_NAMES)
            for follower in tokens[index + 1:index + 3]:
                if _ATTRIBUTION.match(follower.lower()):
                    attributions.append((folded.split()[-1], follower.lower()[:5]))
                    break
                if not follower[:1].isupper():
                    break
    attributions += _acts_of_actors(tokens)
    for words_quoted in re.findall(r"[\"“‘']([^\"“”‘’']{3,80})[\"”’']", text):
        exact.extend(w for w in fold(words_quoted).split() if w not in STOPWORDS)
    folded = fold(text)
    phrases = re.findall(r"\b\d+(?:\.\d+)?\s(?:million|billion|trillion|thousand|hundred|percent)\b", folded)
    if phrase:  # each item of a list answer ("Rishi Sunak, Liz Truss") must be there as written
        for item in re.split(r"(?<!\d),|,(?!\d)|[;&]|\band\b|\bor\b", text):
            words = fold(item).split()
            if all(w in STOPWORDS for w in words):
                continue  # "and", "the": nothing to check
            while words and words[0] in STOPWORDS:
                words = words[1:]
            while words and words[-1] in STOPWORDS:
                words = words[:-1]
            phrases.append(" ".join(words))
    return Specifics(tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(names)), tuple(dict.fromkeys(attributions)),
                     tuple(p for p in dict.fromkeys(phrases) if p))


# The forms in which news prose attaches an act to whoever did it, whatever the actor's case: "the government
# demanded", "with the new authorities demanding", "officials have warned", "Russia's demand", "demanded by Russia".
_ACT_FORMS = re.compile(r"^(?:said|says|told|stated|announc(?:ed|es|ing)|declar(?:ed|es|ing)|demand(?:ed|s|ing)?|"
                        r"call(?:ed|s|ing)|urg(?:ed|es|ing)|warn(?:ed|s|ing)|den(?:ied|ies|ying)|claim(?:ed|s|ing)|"
                        r"accus(?:ed|es|ing)|pledg(?:ed|es|ing)|promis(?:ed|es|ing)|threaten(?:ed|s|ing)|vow(?:ed|s|ing)|"
                        r"insist(?:ed|s|ing)|condemn(?:ed|s|ing)|prais(?:ed|es|ing)|blam(?:ed|es|ing)|refus(?:ed|es|ing)|"
                        r"reject(?:ed|s|ing)|confirm(?:ed|s|ing)|respond(?:ed|s|ing)|repl(?:ied|ies|ying)|"
                        r"agre(?:ed|es|eing))$")
_BETWEEN = set("""has have had was were is are be been also again reportedly publicly repeatedly previously later then
formally officially strongly quickly immediately swiftly already once now not never""".split())
_NO_ACTOR = set("""a an the and or but of in on at to for from by with as after before during since while when where
what which who whom why how this that these those there their they he she it its his her we our i you yes no not also
however meanwhile is are was were be been being has have had do does did will would can could should may might must
about into over under than then so if because up down out off more most less very just only such article articles
report reports source sources passage passages point points news media story statement""".split())


def _acts_of_actors(tokens: Sequence[str]) -> list[tuple[str, str]]:
    """(actor, verb) for every act a claim attributes: the word before the verb (past auxiliaries and adverbs), the
    owner in "X's demand", or the agent in "demanded by X". Pronouns and "the articles" name no one to check."""
    found: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        verb = token.lower()
        if not _ACT_FORMS.match(verb) or (verb == "demand" and not (index and re.search(r"['’]s$", tokens[index - 1]))):
            continue
        actor = None
        if index + 2 < len(tokens) and tokens[index + 1].lower() == "by":  # the agent's last word: "by the new
            after: list[str] = []  # authorities" -> "authorities"
            for word in tokens[index + 2:index + 6]:
                if fold(word) in STOPWORDS:
                    if after:
                        break
                    continue
                after.append(word)
            actor = after[-1] if after else None
        else:
            before = [t for t in reversed(tokens[max(0, index - 4):index]) if t.lower() not in _BETWEEN]
            actor = before[0] if before else None
        folded = fold(actor or "").split()
        if folded and folded[-1] not in _NO_ACTOR and folded[-1].isalpha():
            found.append((folded[-1], verb[:5]))
    return found


def supports(passages: Sequence[Passage], claim: Specifics) -> bool:
    """Whether the passages together state every specific of the claim (and each attributed act with its actor)."""
    text = " ".join(p.text for p in passages)
    words = word_set(text)
    if not all(w in words for w in claim.exact) or not all(same_name(w, words) for w in claim.names):
        return False
    if claim.phrases:
        folded = f" {cached_fold(text)} "
        if not all(f" {phrase} " in folded for phrase in claim.phrases):
            return False
    return all(_acts(name, verb, passages) for name, verb in claim.attributions)


def _acts(name: str, verb: str, passages: Sequence[Passage]) -> bool:
    """Whether some source sentence has ``name`` within eight words before a form of ``verb`` (or just after it:
    "…, said Smith", "demanded by Smith", "reports from Smith"), i.e. the source says that name did it."""
    for passage in passages:
        for start, end in sentences(passage.text):
            words = fold(passage.text[start:end]).split()
            for at, word in enumerate(words):
                if not word.startswith(verb):
                    continue
                after = words[at + 1:at + 3] if verb.startswith("sa") else []  # "…, said Smith"
                if words[at + 1:at + 2] in (["by"], ["from"]):  # "demanded by X", "reports from X"
                    after = words[at + 2:at + 5]
                around = words[max(0, at - 8):at] + after
                if any(w == name or (len(name) >= 4 and w.startswith(name) and len(w) - len(name) <= 1)
                       for w in around):
                    return True
    return False


_SPEECH = ("said", "say", "told", "state", "annou", "decla", "claim", "argue", "propo", "warne", "urged", "deman",
           "calle", "respo", "repli", "denie", "insis", "vowed", "pledg", "wrote", "tweet")


def speaks(name: str, passages: Sequence[Passage]) -> bool:
    """Whether some source sentence has ``name`` (folded) saying, announcing, demanding … something."""
    return any(_acts(name, verb, passages) for verb in _SPEECH)
