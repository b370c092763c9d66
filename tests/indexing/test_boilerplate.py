"""Site boilerplate (rag/indexing/boilerplate.py): a consent or sign-up page served under many headlines is set aside at
ingest, through the product's paths (a feed on a real HTTP server on loopback, files, the CLI), into a real index.
Its title and feed summary stay searchable, its text does not; a real article republished under a revised headline,
and true copies under one title, are kept."""

from __future__ import annotations

import json
from datetime import date

import pytest
from news_site import NewsSite, Route, article_page, rss

from cli.main import main
from rag.indexing.boilerplate import is_boilerplate, signature, similarity, states, words

CONSENT = ("We will use the details you have shared to manage your registration. You agree to the processing, "
           "storage, sharing and use of this information for the purpose of managing your registration as described "
           "in our Privacy Policy. Would you like to receive The Harbour Daily newsletter? The Harbour Daily "
           "newsletter provides you with a daily digest of news and analysis. If you wish to object to the use of "
           "your data in this way, please tick here.")
HEADLINES = ["Will the port expansion go ahead?", "The rise and fall of the harbour master",
             "Ferry strike: what happens next", "Quiz of the week: 3 to 9 October"]
STORY = ("The city council approved the harbour budget on Tuesday by 21 votes to 9. The budget sets aside 4 million "
         "euros for dredging the inner basin, the finance office said. Dock workers had asked for a larger share.")


def keyword_hits(assistant, text: str) -> list[str]:
    return [p.text for p in assistant.index.keyword_search(text, 50) if text.lower() in p.text.lower()]


def test_the_same_text_under_different_headlines_of_one_site_is_told_from_one_article():
    def pages(text: str, titles: list[str]) -> list[tuple[str, bool]]:
        return [(title, states(set(words(text)), title)) for title in titles]

    assert is_boilerplate(pages(CONSENT, [f"{h} | The Harbour Daily" for h in HEADLINES[:3]]))
    assert not is_boilerplate(pages(CONSENT, HEADLINES[:2]))  # two pages are too few to tell from one article
    assert not is_boilerplate(pages(STORY, ["Harbour budget passes", "Council approves harbour budget by 21 votes",
                                            "Dredging money for the inner basin approved"]))
    assert not is_boilerplate(pages(CONSENT, ["One title"] * 5))  # copies of one page
    assert not is_boilerplate([(h, True) for h in HEADLINES])  # a template that names each page's own headline
    assert similarity(signature(CONSENT), signature(CONSENT.replace("3 to 9", "10 to 16") + " Today.")) >= 0.8
    assert similarity(signature(CONSENT), signature(STORY)) < 0.2


@pytest.fixture
def site():
    with NewsSite() as running:
        yield running


def test_a_feeds_consent_pages_keep_title_and_summary_and_their_text_leaves_search(site, make_assistant):
    items = []
    day = date(2026, 11, 30)
    for number, title in enumerate(HEADLINES):
        site.routes[f"/news/{number}"] = Route(article_page(str(number), title, [CONSENT], day).encode())
        items.append({"title": title, "link": f"{site.url}/news/{number}", "date": day.isoformat(),
                      "description": f"Summary {number}: {title} explained by our harbour desk."})
    site.routes["/news/budget"] = Route(article_page("budget", "Harbour budget passes", [STORY], day).encode())
    site.routes["/news/budget-2"] = Route(article_page("budget-2", "Council approves harbour budget by 21 votes",
                                                       [STORY], day).encode())
    items += [{"title": "Harbour budget passes", "link": f"{site.url}/news/budget", "date": day.isoformat()},
              {"title": "Council approves harbour budget by 21 votes", "link": f"{site.url}/news/budget-2",
               "date": day.isoformat()}]
    site.routes["/feed.xml"] = Route(rss("Harbour Daily", items).encode())
    assistant = make_assistant(allow_private_urls=True, fetch_timeout=3.0)

    result = assistant.subscribe(f"{site.url}/feed.xml")
    flagged = result.report.boilerplate
    assert sorted(b.title for b in flagged) == sorted(HEADLINES) and all(b.kept_summary for b in flagged)
    assert all(b.site == "127.0.0.1" and "site boilerplate" in str(b) for b in flagged)
    assert "4 page(s) set aside as site boilerplate" in result.line()
    assert not keyword_hits(assistant, "manage your registration")  # the text is out of search
    assert keyword_hits(assistant, "explained by our harbour desk")  # the feed's summaries stand in
    [passage] = assistant.search("Ferry strike: what happens next", k=1)
    assert passage.title == "Ferry strike: what happens next" and passage.text.startswith("Summary 2")
    assert len(keyword_hits(assistant, "21 votes to 9")) == 2  # the story, under its revised headline too
    answer = assistant.ask("What newsletter can I receive?")
    assert "registration" not in answer.text and "Privacy Policy" not in answer.text

    again = assistant.refresh().feeds[0]  # nothing changed: nothing re-flagged, nothing embedded
    assert again.ok and (again.report is None or not again.report.boilerplate)


def test_files_without_summaries_keep_boilerplate_out_and_the_cli_names_each_page(tmp_path, capsys):
    corpus = tmp_path / "news.jsonl"
    records = [{"title": f"{h} | The Harbour Daily", "url": f"https://harbour.example/{n}", "text": CONSENT}
               for n, h in enumerate(HEADLINES)]
    records += [{"title": "5 things to know today", "url": f"https://harbour.example/five{suffix}", "text": STORY}
                for suffix in ("", "?amp", "/index.html")]  # one page three times under one title: copies
    records += [{"title": HEADLINES[0], "url": "https://other.example/a", "text": CONSENT}]  # another site's page
    corpus.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    index = str(tmp_path / "index")

    assert main(["ingest", "--index", index, "--quiet", str(corpus)]) == 0
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("set aside https://harbour.example/") for line in lines), lines
    assert "4 articles read: 4 new" in out and "4 pages set aside as site boilerplate" in out
    assert main(["ask", "--index", index, "--json", "What does the harbour budget set aside for dredging?"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert "4 million" in answer["text"]

    assert main(["stats", "--index", index]) == 0
    assert "set aside: 4 pages of site boilerplate" in capsys.readouterr().out
    assert main(["ingest", "--index", index, "--quiet", str(corpus)]) == 0
    out, err = capsys.readouterr()
    assert "8 articles read: 0 new, 0 updated, 8 unchanged" in out and not err  # named once, not re-embedded
