"""A made-up news week (Monday 2024-03-04 to Sunday 2024-03-10) for the story tests: one earthquake reported by
three outlets, a port strike put out by a wire service and reprinted word for word (nearly) by another outlet, a
few unrelated articles, and look-alike earthquakes weeks and a year later. Written as JSONL records that
``NewsAssistant.ingest`` reads."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from rag import NewsAssistant, Settings
from rag.types import Article, Story

MONDAY, SUNDAY = date(2024, 3, 4), date(2024, 3, 10)

QUAKE_LEDGER = {
    "url": "https://northern-ledger.example/world/marnavik-earthquake", "source": "Northern Ledger",
    "published_at": "2024-03-04", "title": "Earthquake of magnitude 6.4 kills 37 in Marnavik",
    "text": "A magnitude 6.4 earthquake struck the town of Marnavik in western Orlesia early on Monday, killing at "
            "least 37 people and injuring more than 200, the Orlesian interior ministry said. The quake hit at 04:12 "
            "local time at a depth of ten kilometres, collapsing apartment blocks in the old quarter. Rescue teams "
            "worked through the night to pull survivors from the rubble. Prime Minister Dana Velic declared three "
            "days of national mourning and flew to Marnavik to visit the injured.",
}
QUAKE_COASTAL = {
    "url": "https://coastal-times.example/2024/03/05/marnavik-toll-rises", "source": "Coastal Times",
    "published_at": "2024-03-05", "title": "Marnavik death toll rises as rescuers search the rubble",
    "text": "Rescuers in Marnavik dug through collapsed buildings on Tuesday as the death toll from Monday's "
            "magnitude 6.4 earthquake in Orlesia climbed to 41. Hundreds of residents spent a cold night in tents set "
            "up in the town's football stadium. Aftershocks of up to magnitude 4.8 rattled the region, and engineers "
            "warned that the stone houses of the old quarter remained unsafe. The Red Crescent sent blankets, water "
            "and field kitchens from the capital, Teresk.",
}
QUAKE_MERIDIAN = {
    "url": "https://daily-meridian.example/news/orlesia-appeals-for-aid", "source": "Daily Meridian",
    "published_at": "2024-03-06", "title": "Orlesia appeals for aid after the Marnavik quake",
    "text": "Orlesia asked neighbouring countries for heavy lifting equipment and medical teams on Wednesday, two days "
            "after a 6.4-magnitude earthquake devastated Marnavik and killed 41 people. Interior minister Petar "
            "Hollen said 3,000 people had lost their homes in the town and nearby villages. Schools across the "
            "western province stayed closed, and the airport at Marnavik reopened for relief flights only.",
}
QUAKE_WEEKS_LATER = {
    "url": "https://northern-ledger.example/world/tolvara-earthquake", "source": "Northern Ledger",
    "published_at": "2024-03-26", "title": "Magnitude 5.2 earthquake shakes Tolvara in Quessland",
    "text": "A magnitude 5.2 earthquake shook the coastal city of Tolvara in southern Quessland on Tuesday, killing "
            "two people and damaging a hospital, officials said. The quake struck at a depth of 35 kilometres off the "
            "coast shortly after noon. Residents ran into the streets as shelves fell in shops along the harbour. "
            "Quessland's civil protection agency said about 60 buildings needed inspection.",
}
QUAKE_YEAR_LATER = {
    "url": "https://coastal-times.example/2025/03/05/brisnau-earthquake", "source": "Coastal Times",
    "published_at": "2025-03-05", "title": "Deadly earthquake of magnitude 6.1 hits Brisnau in Valmark",
    "text": "An earthquake of magnitude 6.1 hit the mountain town of Brisnau in northern Valmark on Wednesday, killing "
            "19 people and cutting the only road to the valley, the Valmark emergency service said. Landslides "
            "buried two villages above the town, and army helicopters flew the injured to hospitals in Oderan. "
            "President Lina Sorvik promised to rebuild every school damaged by the quake.",
}

_STRIKE = ("Dock workers at the port of Velmar walked out at {when} on Thursday, halting the loading of container "
           "ships in a dispute over night shifts and pay, the Velmar Port Workers Union said. About 1,800 members of "
           "the union joined the strike, which is planned to last 48 hours. Twelve container ships were waiting at "
           "anchor outside the harbour by midday, and the port authority said cargo trains to the inland terminal at "
           "Kessel had been cancelled. Union leader Tomas Brenner said the workers wanted a ten percent raise and an "
           "end to compulsory twelve-hour night shifts. The port authority called the walkout {verdict} and said "
           "talks could resume once the ships were moving again. Shipping agents warned that fruit and medicine "
           "deliveries to the region's supermarkets and pharmacies would be delayed by several days. Velmar handles "
           "about a third of the country's container traffic, and a strike there last spring cost exporters an "
           "estimated 40 million euros, according to the chamber of commerce.")
STRIKE_WIRE = {
    "url": "https://meridian-wire.example/wire/velmar-dock-strike", "source": "Meridian Wire",
    "published_at": "2024-03-07", "title": "Dock strike halts shipping at the port of Velmar",
    "text": _STRIKE.format(when="dawn", verdict="unlawful"),
}
STRIKE_REPRINT = {  # the wire copy as another outlet runs it: another URL, its own headline, a few words changed
    "url": "https://harbour-daily.example/business/2024/03/07/dockers-walk-out", "source": "Harbour Daily",
    "published_at": "2024-03-07", "title": "Dock strike halts shipping at Velmar port",
    "text": _STRIKE.format(when="daybreak", verdict="illegal"),
}
STRIKE_FOLLOW_UP = {  # the same event in other words: in the story, not a copy
    "url": "https://meridian-wire.example/wire/velmar-strike-talks", "source": "Meridian Wire",
    "published_at": "2024-03-08", "title": "Velmar dock strike ends as union and port agree to talks",
    "text": "The dock strike at the port of Velmar ended on Friday after the port authority agreed to open pay talks "
            "with the Velmar Port Workers Union next week. Union leader Tomas Brenner told striking dockers outside "
            "the container terminal that the 48-hour walkout had forced the employers to the table. Cranes started "
            "moving again in the afternoon, but the backlog of container ships at anchor is expected to take four "
            "days to clear.",
}

FESTIVAL = {
    "url": "https://lakeside-courier.example/arts/festival-record", "source": "Lakeside Courier",
    "published_at": "2024-03-05", "title": "Lakeside film festival closes with record crowds",
    "text": "The Lakeside film festival ended on Sunday after ten days and a record 48,000 tickets sold, organisers "
            "said. Screenings were added at the old cinema on Quay Street after the first weekend sold out. The "
            "Crystal Heron, the festival's top prize, went to Ilse Varga for her film Salt Roads, which follows three "
            "families of salt harvesters through one year on the northern coast.",
}
BUDGET = {
    "url": "https://city-paper.example/council/budget-passes", "source": "City Paper",
    "published_at": "2024-03-08", "title": "City budget passes after a nine-hour council debate",
    "text": "The city council passed next year's budget on Friday after a nine-hour session, with 31 votes in favour "
            "and 14 against. Most of the new money goes to schools, street repairs and the harbour district, where "
            "rents have risen fastest. The opposition called the new parking levy unfair to commuters who drive in "
            "from the villages.",
}
SEEDS = {
    "url": "https://city-paper.example/life/library-seed-archive", "source": "City Paper",
    "published_at": "2024-03-09", "title": "Library opens a seed archive for gardeners",
    "text": "Gardeners may now borrow heirloom tomato and bean seeds from the central library and return seeds from "
            "their own harvest in the autumn, librarians said on Saturday. The archive holds 240 varieties donated "
            "by allotment societies, and volunteers will teach seed saving at evening classes in April.",
}
BEFORE = {  # the week before: outside the week's window
    "url": "https://city-paper.example/sport/marathon-winner", "source": "City Paper",
    "published_at": "2024-02-25", "title": "Local teacher wins the city marathon",
    "text": "Maths teacher Oskar Lind won the city marathon on Sunday in two hours and 19 minutes, the fastest time "
            "by a local runner in the race's history. About 6,500 runners started in heavy rain, and the organisers "
            "moved the finish line indoors to the exhibition hall.",
}

# An index's earlier weeks (January 2024): what any index holds before the week, and what word weights (IDF) are
# counted against. An empty index is its own case (test_stories_grouping.py).
BACKGROUND = [
    {"url": "https://city-paper.example/transport/tram-line-opens", "source": "City Paper",
     "published_at": "2024-01-08", "title": "New tram line opens to the university campus",
     "text": "The new number 9 tram line opened on Monday, linking the central station with the university campus "
             "in eleven minutes. Trams run every six minutes at peak hours, and the transport company expects 20,000 "
             "passengers a day by the summer."},
    {"url": "https://coastal-times.example/2024/01/10/storm-floods-harbour", "source": "Coastal Times",
     "published_at": "2024-01-10", "title": "Winter storm floods the harbour front",
     "text": "Storm Imke pushed sea water over the harbour wall on Wednesday night, flooding cellars and shops along "
             "the waterfront. Firefighters pumped out 40 basements, and the coast guard closed the marina until the "
             "wind drops."},
    {"url": "https://northern-ledger.example/politics/election-date-set", "source": "Northern Ledger",
     "published_at": "2024-01-12", "title": "Parliament sets the general election for June",
     "text": "Parliament voted to hold the general election on 16 June, ending weeks of argument between the "
             "governing coalition and the opposition over the date. Campaigning officially begins in early May."},
    {"url": "https://daily-meridian.example/science/comet-visible", "source": "Daily Meridian",
     "published_at": "2024-01-15", "title": "Bright comet visible to the naked eye this month",
     "text": "Astronomers say comet Vashti-Orr will be visible without binoculars in the western sky after sunset "
             "for the rest of January. The comet passes closest to the sun on the 24th."},
    {"url": "https://lakeside-courier.example/business/brewery-expands", "source": "Lakeside Courier",
     "published_at": "2024-01-18", "title": "Lakeside brewery doubles its output",
     "text": "The family-owned Lakeside brewery will double its output after buying a second brewhouse, creating 25 "
             "jobs. Its pale ale is now sold in four countries, the owners said at the opening."},
    {"url": "https://harbour-daily.example/sport/2024/01/21/rowing-club-title", "source": "Harbour Daily",
     "published_at": "2024-01-21", "title": "Harbour rowing club wins the national eights title",
     "text": "The Harbour rowing club won the national eights championship on the river Osse on Sunday, beating the "
             "defending champions by half a length in a headwind."},
]

QUAKE = [QUAKE_LEDGER, QUAKE_COASTAL, QUAKE_MERIDIAN]
STRIKE = [STRIKE_WIRE, STRIKE_REPRINT, STRIKE_FOLLOW_UP]
LOOK_ALIKES = [QUAKE_WEEKS_LATER, QUAKE_YEAR_LATER]
UNRELATED = [FESTIVAL, BUDGET, SEEDS, BEFORE]
WEEK = [*QUAKE, *STRIKE, *UNRELATED, *LOOK_ALIKES]


def url_id(record: dict[str, str]) -> str:
    """The id an article gets in the index (``Article.id``: from its URL)."""
    return Article(title="", text="", url=record["url"]).id


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build(folder: Path, records: list[dict[str, str]], background: bool = True, **settings: Any) -> NewsAssistant:
    """An assistant over a new index in ``folder`` (extractive: no chat model loads) holding ``records``, ingested
    after the ``BACKGROUND`` weeks when ``background`` (in a separate ingest, as an index's history). Settings are
    given whole: no config file or environment."""
    assistant = NewsAssistant(settings=Settings(index_dir=folder / "index", mode="extractive", **settings))
    if background:
        report = assistant.ingest([write_jsonl(folder / "background.jsonl", BACKGROUND)], progress=False)
        assert report.articles_added == len(BACKGROUND) and not report.problems
    if records:
        report = assistant.ingest([write_jsonl(folder / "news.jsonl", records)], progress=False)
        assert report.articles_added == len(records) and not report.problems and not report.boilerplate
    return assistant


def ids(records: list[dict[str, str]]) -> set[str]:
    return {url_id(r) for r in records}


def story_of(assistant: NewsAssistant, record: dict[str, str]) -> Story:
    """The story that holds ``record``'s article (every story is listed: no window)."""
    found = [s for s in assistant.stories(limit=1000) if url_id(record) in {a.article_id for a in s.articles}]
    assert len(found) == 1, f"{record['title']!r} is in {len(found)} stories"
    return found[0]


def partition(assistant: NewsAssistant) -> set[frozenset[str]]:
    """How the articles are grouped, whatever the stories' ids: a set of sets of article ids."""
    return {frozenset(a.article_id for a in s.articles) for s in assistant.stories(limit=1000)}


def expected_partition(records: list[dict[str, str]], background: bool = True) -> set[frozenset[str]]:
    """The grouping a reader expects of ``records`` (and of the background, when it was ingested): the earthquake's
    three reports, the strike's three articles, everything else alone."""
    together = [r for group in (QUAKE, STRIKE) for r in group]
    groups = {frozenset(ids([r for r in group if r in records])) for group in (QUAKE, STRIKE)}
    singles = {frozenset([url_id(r)]) for r in [*(BACKGROUND if background else []), *records]
               if r not in together}
    return (groups - {frozenset()}) | singles
