"""The grounding check: every claim of an answer must be stated by the passage it cites, before anyone sees it.

A claim is an answer sentence (or a quiz answer's phrase) with its [n] markers. What makes a claim checkable is
what a reader would take on trust: its numbers, dates, names, quoted words and, for a short phrase, every word.
Each must occur in the cited passages after folding away differences of form (quotes, dashes, case, accents,
"4.0 million" / "4 million", "Sept." / "September", "8th" / "8"). A claim that says "<name> said/demanded/…" must
also find that name acting in the passage, not merely mentioned ("the new authorities demanded Russian
cooperation" does not support "Russia demanded …"). A claim that fails is re-cited to a retrieved passage that
does support it, or dropped; when nothing is left, the answer says plainly that the articles do not give what was
asked, and quotes what they do report. No model runs here: it is string work, a few milliseconds an answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rag.answering.citations import MARKERS, cited_numbers, quoted, split_answer, unmarked
from rag.answering.sentences import sentences
from rag.types import Passage

_MONTHS = {"jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
           "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
           "dec": "december"}
_NUMBER_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven "
                                                 "twelve".split())}
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‛": "'", "–": "-", "—": "-", "‐": "-",
                       "‑": "-", "−": "-", "\u00a0": " "})
# Capitalised words that are not names a claim could get wrong: sentence openers, titles, pronouns.
_NOT_NAMES = set("""a an the and or but of in on at to for from by with as after before during since while when where
what which who why how this that these those there their they he she it its his her we our i you yes no not also
however meanwhile according mr mrs ms dr president prime minister secretary gov governor sen senator rep chief judge
king queen prince general officials official spokesperson spokesman spokeswoman ceo""".split())
_DAYS = set("monday tuesday wednesday thursday friday saturday sunday".split())
_STOPWORDS = _NOT_NAMES | set("""is are was were be been being has have had do does did will would can could should may
might must about into over under than then so if because up down out off more most less least very just only such
said says say""".split())
# Verbs that attribute an act or a statement to someone: "X said", "X demanded" must find X doing it in the source.
_ATTRIBUTION = re.compile(r"^(?:said|says|say|told|stated|announc|declar|demand|call|urg|warn|deni|deny|claim|"
                          r"accus|ask|pledg|promis|threat|vow|insist|condemn|prais|blam|refus|reject|confirm|"
                          r"report|respond|repli|agre)")
NOT_GIVEN = re.compile(r"\b(?:articles?|sources?|passages?|reports?)\s+(?:do|does|did)\s+not\s+(?:give|say|state|"
                       r"report|mention|specify|include|provide|cover|contain|answer|name|identify)", re.IGNORECASE)


def fold(text: str) -> str:
    """Text reduced to what a reader would call the same words: case, accents, quote and dash styles, month
    abbreviations, ordinal suffixes, digit grouping and trailing ".0" folded away; words joined by single spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 10,000 -> 10000
    text = re.sub(r"(?<=\d)\.0+\b", "", text)  # 4.0 -> 4
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", r"\1", text)  # 8th -> 8
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # u.s. -> us. ; u.k. -> uk.
    text = re.sub(r"\b([a-z]{2})\.(?=\s|$)", lambda m: m.group(1) + " " if m.group(1) in ("us", "uk", "un", "eu")
                  else m.group(0), text)
    words = re.findall(r"\w+(?:[.'-]\w+)*", text)
    out = []
    for word in words:
        word = re.sub(r"'s$", "", word)
        out.append(_MONTHS.get(word, _NUMBER_WORDS.get(word, word)))
    return " ".join(out)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``fold`` of a passage, cached: one answer's claims are checked against the same few passages many times."""
    return fold(text)


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    folded = _folded(text)
    return frozenset(folded.replace("-", " ").split()) | frozenset(folded.split())


def _same_name(word: str, words: frozenset[str]) -> bool:
    """A name word is in the text as written or as its adjective/plural: Russia ~ Russian, Israel ~ Israeli."""
    if word in words:
        return True
    return len(word) >= 4 and any(len(w) >= 4 and abs(len(w) - len(word)) <= 3 and (w.startswith(word) or
                                                                                   word.startswith(w)) for w in words)


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
        if re.search(r"\d", token) or folded in _MONTHS.values() or folded in _DAYS:
            exact.extend(folded.split())
        elif phrase and folded not in _STOPWORDS:
            exact.extend(folded.replace("-", " ").split())
        elif token[:1].isupper() and folded not in _NOT_NAMES:
            opener = index == 0 or re.search(r"[.!?:]\s*$", text[:text.find(token)])
            next_is_name = index + 1 < len(tokens) and tokens[index + 1][:1].isupper()
            acts = any(_ATTRIBUTION.match(t.lower()) for t in tokens[index + 1:index + 3])
            if opener and not next_is_name and not acts:
                continue  # a capital that only marks a sentence's start
            names.extend(w for w in folded.replace("-", " ").split() if w not in _NOT_NAMES)
            for follower in tokens[index + 1:index + 3]:
                if _ATTRIBUTION.match(follower.lower()):
                    attributions.append((folded.split()[-1], follower.lower()[:5]))
                    break
                if not follower[:1].isupper():
                    break
    attributions += _acts_of_actors(tokens)
    for words_quoted in re.findall(r"[\"“‘']([^\"“”‘’']{3,80})[\"”’']", text):
        exact.extend(w for w in fold(words_quoted).split() if w not in _STOPWORDS)
    folded = fold(text)
    phrases = re.findall(r"\b\d+(?:\.\d+)?\s(?:million|billion|trillion|thousand|hundred|percent)\b", folded)
    if phrase:  # each item of a list answer ("Rishi Sunak, Liz Truss") must be there as written
        for item in re.split(r"(?<!\d),|,(?!\d)|[;&]|\band\b|\bor\b", text):
            words = fold(item).split()
            if all(w in _STOPWORDS for w in words):
                continue  # "and", "the": nothing to check
            while words and words[0] in _STOPWORDS:
                words = words[1:]
            while words and words[-1] in _STOPWORDS:
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
                if fold(word) in _STOPWORDS:
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
    words = _words(text)
    if not all(w in words for w in claim.exact) or not all(_same_name(w, words) for w in claim.names):
        return False
    if claim.phrases:
        folded = f" {_folded(text)} "
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


@dataclass(frozen=True)
class Checked:
    """The answer text after the check, and what happened to its claims."""

    text: str
    kept: int
    recited: int
    dropped: tuple[str, ...]


def check_answer(text: str, passages: Sequence[Passage], phrase: bool = False, question: str = "") -> Checked:
    """Keep the claims of ``text`` its cited passages support, re-cite those another passage supports, drop the
    rest (and repeats). ``phrase``: the text is a quiz answer (a phrase and its [n]), checked word by word. What the
    ``question`` itself says ("… in June 2022?") may be restated without a source."""
    checker = ClaimChecker(passages, phrase=phrase, question=question)
    kept = [shown for sentence in split_answer(text) if (shown := checker.check(sentence))]
    return Checked(" ".join(kept), checker.kept, checker.recited, tuple(checker.dropped))


class ClaimChecker:
    """The check one claim at a time, so that an answer can be shown sentence by sentence as the model writes it,
    each sentence only once it has passed (``check_answer`` runs it over a whole text, with the same result)."""

    def __init__(self, passages: Sequence[Passage], phrase: bool = False, question: str = "") -> None:
        self.passages = passages
        self.phrase = phrase
        self.given = _words(question) if question else frozenset()
        self.seen: set[str] = set()
        self.dropped: list[str] = []
        self.kept = self.recited = 0

    def check(self, sentence: str) -> str | None:
        """The claim as it may be shown (with the markers of the passages that state it), or None: dropped, a
        repeat, or markers alone."""
        passages = self.passages
        numbers = cited_numbers(sentence, len(passages))
        claim_text = re.sub(r"\s+([.,;:!?])", r"\1", MARKERS.sub("", sentence)).strip()
        key = fold(claim_text)
        if key in self.seen or not claim_text.strip(" .,;:!?-–—"):
            return None  # a repeat (small models loop) or markers alone
        self.seen.add(key)
        found = specifics(claim_text, phrase=self.phrase)
        claim = replace(found, exact=tuple(w for w in found.exact if w not in self.given),
                        names=tuple(w for w in found.names if not _same_name(w, self.given)))
        if NOT_GIVEN.search(claim_text) and not (claim.exact or claim.names or claim.attributions or claim.phrases):
            # "The articles do not give …" about what the question asks: a statement about the sources. One that
            # also asserts something ("… but the mayor was arrested on 3 May [1]") is a claim, checked as any other.
            return claim_text
        cited = [passages[n - 1] for n in numbers]
        checkable = claim.exact or claim.names or claim.attributions or claim != found  # else: word overlap decides
        if cited and checkable and supports(cited, claim):
            self.kept += 1
            return _with_markers(claim_text, _needed(numbers, claim, passages))
        other = _supporting(claim_text, claim, passages)
        sources = [other] if other is not None else _item_sources(claim, passages)
        if not sources:
            self.dropped.append(sentence)
            return None
        if set(sources) <= set(numbers):
            self.kept += 1
        else:
            self.recited += 1
        return _with_markers(claim_text, sources)


def _needed(numbers: list[int], claim: Specifics, passages: Sequence[Passage]) -> list[int]:
    """Of the passages a claim cites, those it needs: one that states it all if there is one, else each that
    states part of it. A model that cites every source after a sentence ("[1] [2] [3] [4]") keeps only those."""
    alone = [n for n in numbers if supports([passages[n - 1]], claim)]
    if alone:
        return alone[:1]
    wanted = set(claim.exact) | set(claim.names)
    return [n for n in numbers if wanted & _words(passages[n - 1].text)] or numbers[:1]


def _with_markers(claim_text: str, numbers: Sequence[int]) -> str:
    markers = "".join(f"[{n}]" for n in numbers)
    if re.search(r"[.!?]$", claim_text):
        return f"{claim_text[:-1].rstrip()} {markers}{claim_text[-1]}"
    return f"{claim_text} {markers}"


def _supporting(claim_text: str, claim: Specifics, passages: Sequence[Passage]) -> int | None:
    """The passage (1-based) that supports the claim on its own, sharing most of its words; None if none does."""
    if not (claim.exact or claim.names):
        return _overlap_source(claim_text, passages)
    fitting = [n for n, p in enumerate(passages, start=1) if supports([p], claim)]
    if not fitting:
        return None
    wanted = _content(claim_text)
    return max(fitting, key=lambda n: (len(wanted & _words(passages[n - 1].text)), -n))


def _item_sources(claim: Specifics, passages: Sequence[Passage]) -> list[int]:
    """For a list answer no one passage states in full ("Rishi Sunak, Liz Truss"): a passage for each item, or
    nothing when some item is in none."""
    if len(claim.phrases) < 2:
        return []
    folded = [f" {_folded(p.text)} " for p in passages]
    sources: list[int] = []
    for phrase in claim.phrases:
        found = next((n for n, text in enumerate(folded, start=1) if f" {phrase} " in text), None)
        if found is None:
            return []
        sources.append(found)
    return list(dict.fromkeys(sources))


def _content(text: str) -> set[str]:
    return {w for w in fold(text).replace("-", " ").split() if w not in _STOPWORDS}


def _overlap_source(claim_text: str, passages: Sequence[Passage]) -> int | None:
    """For a claim with nothing checkable (no name, number or date): the passage sharing at least half of its
    content words, the most first; None when no passage says anything like it."""
    wanted = _content(claim_text)
    if not wanted:
        return None
    best = max(range(len(passages)), key=lambda i: len(wanted & _words(passages[i].text)), default=None)
    if best is None or len(wanted & _words(passages[best].text)) < len(wanted) / 2:
        return None
    return best + 1


def not_given(question: str, passages: Sequence[Passage]) -> str:
    """What an answer says when no claim survives: that the articles do not give it, and the sentence of the best
    passage that comes closest, quoted and cited, so the reader sees what they do report."""
    asked = " ".join(question.split()).rstrip("?.! ")
    if not passages:
        return f"The articles do not give an answer to “{asked}?”."
    wanted = _content(question)
    best_score, best = -1, None
    for number, passage in enumerate(passages[:3], start=1):
        for start, end in sentences(passage.text):
            sentence = " ".join(unmarked(passage.text[start:end]).split())
            score = len(wanted & _words(sentence))
            if len(sentence.split()) >= 5 and sentence[-1] in ".!?\"”’'" and score > best_score:
                best_score, best = score, (number, sentence)
    lead = f"The articles do not give an answer to “{asked}?”"
    if best is None or best_score <= 0:
        return lead + "."
    number, sentence = best
    return f"{lead}; the closest they report is: {quoted(sentence)} [{number}]"
