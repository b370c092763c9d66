"""What a question asks, read from its words alone: instant, predictable, no model. The one place that reads a
question; the stages ask it.

- ``form``: "quiz" (one fact: who/what/where/when/which/how many) or "open" (summaries, why/how, reactions,
  timelines, lists, comparisons, "the latest", two questions in one): which answerer answers it.
- ``asks_for_latest``: it asks about now ("What's the latest …", "… this week", "currently"): retrieval prefers
  articles published near today, and an open answer shows its newest points first.
- ``asks_for_timeline``, ``asks_to_compare`` and ``compared_parts``: the order an open answer's points are shown in.
- ``question_parts``: the questions asked in one, each of which an open answer gives points for.
- ``asked_detail``: the figure or statement an open question asks for besides an overview, which the articles
  may lack ("… including how many people live there").
- ``answer_type``: the kind of phrase that answers a quiz question (a number, a date, a name).
- ``named_words``: the names and codes it contains ("Ilse Varga", "N7").
- ``needs_context``: a follow-up that can only be read with the conversation ("Where did he go?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUIZ, OPEN = "quiz", "open"

_OPEN_START = re.compile(
    r"^(?:please\s+)?(?:summari[sz]e|give\s+(?:me\s+)?(?:an?\s+)?(?:summary|overview|timeline|rundown|recap|background|"
    r"brief)|tell\s+me\s+(?:about|more|what)|explain|describe|outline|list|compare|contrast|walk\s+me\s+through|"
    r"catch\s+me\s+up|brief\s+me|update\s+me|what\s+do\s+we\s+know|what\s+is\s+known|"
    r"what(?:'s|’s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:latest|situation|status|state|story|"
    r"reaction|response|impact|significance|background|context|outlook|consequences?|implications?|"
    r"arguments?|main|key|different)\b|what\s+(?:has\s+|have\s+)?happen(?:ed|s|ing)|"
    r"what(?:'s|’s|\s+is)\s+(?:going\s+on|happening)|what\s+led)", re.IGNORECASE)
_OPEN_ANYWHERE = re.compile(
    r"\b(?:why|timeline|chronology|react(?:ed|ion|ions)?|differ(?:s|ed|"
    r"ence|ences)?|versus|vs\.?|pros\s+and\s+cons|impact|consequences|implications|latest|so\s+far|"
    r"what\s+(?:did|does|do|has|have)\b.{1,60}\b(?:say|said|argue|think|claim|announce|plan|propose)|"
    r"how\s+(?!many\b|much\b|long\b|old\b|far\b|big\b|large\b|high\b|tall\b|often\b|fast\b|deep\b|soon\b|"
    r"early\b|late\b|heavy\b|expensive\b)\w+)\b", re.IGNORECASE)
_TWO_QUESTIONS = re.compile(r",?\s+and\s+(?:what|how|why|who|where|when|which)\b", re.IGNORECASE)
_PART_BREAK = re.compile(r"(?:,?\s+and|[;?])\s+(?=(?:what|how|why|who|where|when|which)\b)", re.IGNORECASE)


def form(question: str) -> str:
    """``"open"`` for questions that need a few sentences (summaries, why/how, reactions, timelines, lists,
    comparisons, "the latest", or two questions in one), else ``"quiz"`` (who/what/where/when/which/how many:
    one fact). Decided by the question's grammar alone, so it is instant and predictable; a question that names a
    single fact ("How many …", "Which country …") stays a quiz question whatever its topic."""
    text = " ".join(question.split())
    if _OPEN_START.search(text) or _TWO_QUESTIONS.search(text):
        return OPEN
    return OPEN if _OPEN_ANYWHERE.search(text) else QUIZ


# Words that ask about now. Retrieval prefers articles near today for them; open answers show the newest first.
_LATEST = re.compile(r"\b(latest|newest|most recent|recent(ly)?|(right )?now|nowadays|today|tonight|yesterday|"
                     r"this (morning|afternoon|evening|week|weekend|month)|currently|current|so far|as it stands|"
                     r"up to date|updates?|developing)\b", re.I)


def asks_for_latest(question: str) -> bool:
    """Whether a question asks about now ("What's the latest on …?", "… today", "… this week", "currently"): with no
    day given, retrieval prefers articles published near today, and an open answer shows its newest points first."""
    return bool(_LATEST.search(question))


_TIMELINE = re.compile(r"\b(?:timeline|chronolog\w*|unfold\w*|progress\w*|play(?:ed)?\s+out|evolv\w*|develop\w*|"
                       r"sequence|step\s+by\s+step|what\s+led|lead\s+up|led\s+up)\b", re.IGNORECASE)
_SIDES = re.compile(r"\b(?:compare[sd]?|comparison|versus|vs\.?|differ\w*|contrast\w*)\b", re.IGNORECASE)


def asks_for_timeline(question: str) -> bool:
    """Whether a question asks how something unfolded ("timeline", "how did … develop", "what led to …")."""
    return bool(_TIMELINE.search(question))


_OUTLETS = re.compile(
    r"\bhow\s+(?:do|did|does|have|has|are|were)\s+(?:the\s+)?(?:different\s+|various\s+)?(?:news\s+)?(?:outlets|media|"
    r"newspapers|papers|publications|press|networks|sources)\b[^?]*?\b(?:differ|report|cover|describ|portray|frame)|"
    r"\b(?:differ\w*|compar\w*|contrast\w*)\b[^?]*?\b(?:outlets|newspapers|publications|coverage|news\s+sources)\b|"
    r"\b(?:outlets|newspapers|publications|news\s+sources)\b[^?]*?\b(?:differ|disagree)|"
    r"\bhow\s+(?:did|do|does|have|has)\s+[^?]{1,60}?\s+(?:and|vs\.?|versus)\s+[^?]{1,60}?\s+"
    r"(?:report|cover|describe|portray|frame)\b",
    re.IGNORECASE)


OUTLETS = "outlets"  # not a form of its own grammar: an open question answered outlet by outlet
TIMELINE = "timeline"  # an open question read more widely, across its story's days


def asks_how_outlets_differ(question: str) -> bool:
    """Whether a question asks how outlets report something ("How do outlets differ on …?", "How did Fox and the
    Times report …?", "Compare the coverage of …"): answered per outlet, marking what only one of them states."""
    return bool(_OUTLETS.search(question))


def asks_to_compare(question: str) -> bool:
    """Whether a question asks for a comparison ("compare", "versus", "how do … differ")."""
    return bool(_SIDES.search(question))


def question_parts(question: str) -> list[str]:
    """The questions asked in one ("What happened in Syria, and how did Russia respond?" -> two), each a part an
    open answer gives points for; one part for a single question.

    >>> question_parts("What happened in Syria, and how did Russia respond?")
    ['What happened in Syria', 'how did Russia respond?']
    """
    parts = [p.strip(" ,;") for p in _PART_BREAK.split(" ".join(question.split()))]
    return parts if all(len(p.split()) >= 2 for p in parts) else [question]  # "…, and why?" reads as one


def compared_parts(question: str) -> list[str]:
    """The question split around "compare … with", "versus", "and" …: one part per side being compared (the parts'
    own words tell the sides apart)."""
    return re.split(r"\b(?:compared?\s+(?:with|to)|compare[sd]?|versus|vs\.?|with|to|and|against|than)\b", question,
                    flags=re.IGNORECASE)


_NAMED = re.compile(r"(?<=\S\s)[A-Z][\w’'.-]*|\b\w*\d\w*\b")  # a capitalised word past the first, or a code like N7


def named_words(question: str) -> set[str]:
    """The words by which a question names something (lower case): a capitalised word that does not open the
    question ("Ilse Varga", "Deir") or a word with a digit ("N7", "2024")."""
    return {w.strip(".’'").lower() for w in _NAMED.findall(question)} - {""}


_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\b[^,;?.]*", re.IGNORECASE)
_FIGURE = re.compile(r"\b(?:the\s+)?(?:latest\s+|final\s+|total\s+|official\s+)?(?:death\s+toll|toll|number\s+of\s+\w+|"
                     r"population|price|cost|score|turnout|vote\s+share|share\s+of\s+the\s+vote|casualty\s+figures?)"
                     r"\b[^,;?.]*", re.IGNORECASE)
_STATEMENT = re.compile(r"^what\s+(?:did|does|has|have)\s+(.+?)\s+(say|tell|announce|claim|argue|think|propose|declare|"
                        r"state)\b([^?]*)", re.IGNORECASE)
_PAST = {"say": "said", "tell": "told", "think": "thought", "declare": "declared", "state": "stated",
         "propose": "proposed", "argue": "argued", "announce": "announced", "claim": "claimed"}


@dataclass(frozen=True)
class Detail:
    """What an open question asks for besides an overview (``asked_detail``): ``phrase`` names it in the answer ("The
    articles do not give <phrase>."); ``speaker`` is set when it is a statement, whose speaker must be saying
    something."""

    phrase: str
    speaker: str = ""

    def sentence(self) -> str:
        verb = "report" if self.speaker else "give"
        return f"The articles do not {verb} {self.phrase}."


def asked_detail(question: str) -> Detail | None:
    """The figure or statement an open question asks for, if it asks for one."""
    text = " ".join(question.split()).rstrip("?.! ")
    said = _STATEMENT.match(text)
    if said:
        speaker, verb, rest = said.group(1), said.group(2).lower(), said.group(3)
        return Detail(f"what {speaker} {_PAST.get(verb, verb + 'ed')}{rest}".rstrip(), speaker=speaker)
    for pattern in (_HOW_MANY, _FIGURE):
        found = pattern.search(text)
        if found:
            phrase = found.group(0).strip()
            return Detail(phrase[0].lower() + phrase[1:])
    return None


def answer_type(question: str) -> str:
    """"number", "date" or "name": the kind of phrase the question's wh-word asks for ("How many …", "When …")."""
    q = question.lower()
    if re.search(r"\b(how (many|much|long|old|far)|what (percent|percentage|number|amount)|how high)\b", q):
        return "number"
    if re.search(r"\b(when|what (year|date|day|month)|which (year|day|month))\b", q):
        return "date"
    return "name"


# Words by which a follow-up points back at the conversation ("Where did he go?", "What happened there?", "Why?").
_REFERS_BACK = re.compile(r"\b(?:he|she|it|they|him|her|them|his|hers|its|their|theirs|there|then|that|this|these|"
                          r"those|former|latter|same|also|else|more|other|another|again)\b", re.IGNORECASE)


def needs_context(question: str) -> bool:
    """Whether a follow-up can only be understood with the conversation: it points back at it, or is too short to
    name its subject ("And Russia?"). One that stands alone ("Who seized Deir ez-Zor?") skips the rewrite, which
    costs a model call (2-3 s on 2 cores)."""
    return len(question.split()) < 4 or bool(_REFERS_BACK.search(question))


# --- briefings: questions about the news as a whole ---------------------------------------------------------------
_SPAN = (r"(?P<span>today|tonight|yesterday|(?:this|the\s+(?:past|last))\s+(?:week|month|few\s+days|\d+\s+days)|"
         r"the\s+(?:day|week|month)|lately|recently|so\s+far)")
_WHEN = r"(?:\s+(?:from|of|for|in|over|during|on)\b)?\s*" + _SPAN  # "of the week", "in the last 3 days"
_NOT_A_SPAN = r"(?!(?:the\s+)?(?:today|tonight|yesterday|this|past|last|day|week|month|news)\b)"
_BRIEFING = [
    re.compile(r"^\s*(?:so\s+)?what(?:'s|’s|\s+is|\s+has)?\s+(?:happened|happening|going\s+on|new|in\s+the\s+news)"
               r"(?:\s+(?:in\s+the\s+news|in\s+the\s+world|around\s+the\s+world))?(?:" + _WHEN + r")?\s*\??\s*$",
               re.IGNORECASE),
    re.compile(r"\bcatch\s+me\s+up\b(?:\s+on\s+(?:the\s+)?(?:news\b)?)?(?:\s*(?:on|about|with)\s+" + _NOT_A_SPAN +
               r"(?P<topic>.+?))?(?:" + _WHEN + r")?\s*[?.!]?\s*$", re.IGNORECASE),
    re.compile(r"\b(?:main|top|biggest|big|major|key|important|latest)\s+(?:news\s+)?(?:stories|headlines|news)"
               r"\b(?:\s+(?:about|on|in|of|from|regarding|concerning)\s+" + _NOT_A_SPAN + r"(?P<topic>.+?))?"
               r"(?:" + _WHEN + r")?\s*[?.!]?\s*$", re.IGNORECASE),
    re.compile(r"^\s*(?:give\s+me\s+)?(?:a|the|my|today's|this\s+week's)?\s*(?:news\s+)?(?:briefing|brief|roundup|"
               r"round-up|digest|headlines)\b(?:\s+(?:about|on|for)\s+" + _NOT_A_SPAN + r"(?P<topic>.+?))?(?:" +
               _WHEN + r")?\s*[?.!]?\s*$", re.IGNORECASE),
    re.compile(r"^\s*brief\s+me\b(?:\s+on\s+" + _NOT_A_SPAN + r"(?P<topic>.+?))?(?:" + _WHEN + r")?\s*[?.!]?\s*$",
               re.IGNORECASE),
]
_SPAN_DAYS = {"today": 1, "tonight": 1, "yesterday": 1, "the day": 1, "week": 7, "month": 30, "few days": 3}


@dataclass(frozen=True)
class BriefingRequest:
    """A question about the news as a whole: how many days up to the day it is asked about (``yesterday``: the
    day before), and the topic it names, if any."""

    days: int = 7
    topic: str = ""
    yesterday: bool = False


def briefing_request(question: str) -> BriefingRequest | None:
    """Whether a question asks for the news as a whole ("What happened this week?", "Catch me up", "What are the main
    stories about Ukraine?"): answered from stories, not passages. "What happened in Aleppo?" names a subject and
    is not one."""
    for pattern in _BRIEFING:
        match = pattern.search(question.strip())
        if match is None:
            continue
        groups = match.groupdict()
        span = " ".join((groups.get("span") or "").lower().split())
        days = next((d for word, d in _SPAN_DAYS.items() if span.endswith(word)), 7)
        if number := re.search(r"\d+", span):
            days = max(1, min(int(number.group()[:4]), 365))  # more digits than a year has days: capped all the same
        topic = re.sub(r"^(?:the|news)\s+", "", (groups.get("topic") or "").strip(" ?.!"), flags=re.IGNORECASE)
        return BriefingRequest(days=days, topic=topic, yesterday=span == "yesterday")
    return None
