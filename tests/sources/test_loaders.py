from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SEEDS

from rag.errors import InputError
from rag.sources.loaders import decode, load
from rag.types import Article, LoadProblem

BODY = "Clashes erupted near the camp on Tuesday. Officials said the fighting stopped by night."


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, LoadProblem)]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(content, bytes) else lambda c: path.write_text(c, encoding="utf-8"))(content)
    return path


def test_seed_article_title_is_first_line_and_not_repeated_in_text():
    articles, problems = split(load([SEEDS]))
    assert not problems and len(articles) == 1
    article = articles[0]
    assert article.title == "Clashes Erupt in Aleppo as Syria Nears Brink of Internal Conflict"
    assert article.text.startswith("In a volatile turn of events")
    assert "Nayrab refugee camp" in article.text


def test_text_file_with_header_lines(tmp_path):
    path = write(tmp_path / "a.md", f"# Big news\nSource: Example Times\nDate: 2024-12-10\nURL: https://ex.com/a\n"
                                    f"Author: Ann Lee and Bo Kim\n\n{BODY}\n")
    [article], _ = split(load([path]))
    assert (article.title, article.source, article.url) == ("Big news", "Example Times", "https://ex.com/a")
    assert article.published_at == date(2024, 12, 10)
    assert article.authors == ("Ann Lee", "Bo Kim")
    assert article.text == BODY
    assert article.origin == str(path)


def test_header_lines_may_be_set_off_by_blank_lines(tmp_path):
    path = write(tmp_path / "a.txt", f"Big news\n\nSource: Example Times\nDate: 2024-12-10\n\n{BODY}\n")
    [article], _ = split(load([path]))
    assert (article.title, article.source, article.published_at) == ("Big news", "Example Times", date(2024, 12, 10))
    assert article.text == BODY


def test_html_drops_scripts_styles_and_navigation(tmp_path):
    html = f"""<html><head><title>Page title</title>
    <meta property="og:title" content="Real headline"><meta property="og:site_name" content="The Daily">
    <meta property="article:published_time" content="2024-12-10T08:00:00Z">
    <link rel="canonical" href="https://daily.example/x"><style>p {{color: red}}</style></head>
    <body><nav>Home | World</nav><script>alert('x')</script><h1>Real headline</h1>
    <p>{BODY}</p><p>Second &amp; last paragraph.</p><footer>Subscribe</footer></body></html>"""
    [article], problems = split(load([write(tmp_path / "page.html", html)]))
    assert not problems
    assert article.title == "Real headline" and article.source == "The Daily"
    assert article.url == "https://daily.example/x" and article.published_at == date(2024, 12, 10)
    assert BODY in article.text and "Second & last paragraph." in article.text
    for junk in ("alert", "color: red", "Home | World", "Subscribe"):
        assert junk not in article.text


def test_json_object_and_list(tmp_path):
    record = {"id": "x1", "title": "T1", "url": "https://ex.com/1", "source": "CNN", "published_at": "2022-06-12",
              "authors": ["A B"], "text": BODY}
    [one], _ = split(load([write(tmp_path / "one.json", json.dumps(record))]))
    assert (one.title, one.source, one.published_at, one.authors) == ("T1", "CNN", date(2022, 6, 12), ("A B",))
    many, problems = split(load([write(tmp_path / "many.json", json.dumps([record, {**record, "url": "u2"}, {"title": "no text"}]))]))
    assert len(many) == 2
    assert len(problems) == 1 and "no text" in str(problems[0]) and "many.json" in str(problems[0])


def test_jsonl_bad_lines_are_skipped_with_line_numbers(tmp_path):
    good = json.dumps({"title": "Good", "text": BODY, "url": "https://ex.com/g"})
    path = write(tmp_path / "c.jsonl", f"{good}\n{{not json\n\n[1, 2]\n{json.dumps({'title': 'Empty', 'text': '  '})}\n{good.replace('/g', '/h')}\n")
    articles, problems = split(load([path]))
    assert [a.url for a in articles] == ["https://ex.com/g", "https://ex.com/h"]
    assert [p.line for p in problems] == [2, 4, 5]
    assert "malformed JSON" in str(problems[0]) and str(problems[0]).startswith(f"{path}:2: ")
    assert "expected a JSON object" in problems[1].reason


def test_benchmark_corpus_format_loads():
    corpus = Path(__file__).resolve().parents[3] / "shared/benchmarks/rtqa-2022-dev/corpus.jsonl"
    if not corpus.exists():
        pytest.skip("benchmark corpus not beside the checkout")
    first = json.loads(corpus.open(encoding="utf-8").readline())
    path = Path(corpus)
    articles = []
    for item in load([path]):
        articles.append(item)
        if len(articles) == 1:
            break
    assert isinstance(articles[0], Article) and articles[0].url == first["url"]


def test_csv_with_columns_and_missing_text_column(tmp_path):
    path = write(tmp_path / "a.csv", f'title,text,source,published_at,url\nT1,"{BODY}",AP,2024-01-02,https://ex.com/c\nT2,,AP,,\n')
    [article], [problem] = split(load([path]))
    assert (article.title, article.source, article.published_at) == ("T1", "AP", date(2024, 1, 2))
    assert problem.line == 3 and "no text" in problem.reason
    _, [bad] = split(load([write(tmp_path / "b.csv", "title,body_html\nx,y\n")]))
    assert "no 'text' column" in bad.reason


def test_rss_and_atom_feeds(tmp_path):
    rss = f"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
      <title>World Wire</title>
      <item><title>First</title><link>https://ww.example/1</link><pubDate>Tue, 10 Dec 2024 08:00:00 GMT</pubDate>
        <dc:creator>Jo Doe</dc:creator><description>&lt;p&gt;{BODY}&lt;/p&gt;</description></item>
      <item><title>Second</title><link>https://ww.example/2</link><description></description></item>
    </channel></rss>"""
    articles, problems = split(load([write(tmp_path / "feed.rss", rss)]))
    assert len(articles) == 1 and len(problems) == 1 and "entry 2" in problems[0].reason
    first = articles[0]
    assert (first.title, first.source, first.url, first.authors) == ("First", "World Wire", "https://ww.example/1", ("Jo Doe",))
    assert first.published_at == date(2024, 12, 10) and first.text == BODY

    atom = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>
      <entry><title>Entry one</title><link rel="alternate" href="https://an.example/e1"/>
        <published>2024-11-30T10:00:00Z</published><author><name>Kim Park</name></author>
        <content type="html">{BODY}</content></entry></feed>"""
    [entry], _ = split(load([write(tmp_path / "feed.atom", atom)]))
    assert (entry.title, entry.source, entry.url, entry.authors) == ("Entry one", "Atom News", "https://an.example/e1", ("Kim Park",))
    assert entry.published_at == date(2024, 11, 30)


def test_feed_entity_expansion_is_refused(tmp_path):
    bomb = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
    <rss><channel><title>x</title><item><title>&lol2;</title><description>text here</description></item></channel></rss>"""
    _, [problem] = split(load([write(tmp_path / "bomb.xml", bomb)]))
    assert "unsafe XML" in problem.reason


@pytest.mark.parametrize("name, content, reason", [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
    ("empty.txt", b"", "empty file"),
    ("blank.md", b"  \n\n ", "empty file"),
    ("mixed.txt", "Caf\xe9 news\n\nSome text here.".encode() + b"\xe9", "not valid UTF-8"),
    ("broken.json", b'{"title": "x", "text": ', "malformed JSON"),
    ("title-only.txt", b"Just a title\n", "no article text"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
    ("garbage.xml", b"<rss><channel>", "malformed XML"),
])
def test_bad_files_are_reported_by_name_and_do_not_stop_the_rest(tmp_path, name, content, reason):
    good = write(tmp_path / "good.txt", f"Good title\n\n{BODY}")
    bad = write(tmp_path / name, content)
    articles, problems = split(load([tmp_path]))
    assert [a.title for a in articles] == ["Good title"]
    assert len(problems) == 1
    assert str(problems[0]).startswith(str(bad)) and reason in str(problems[0])
    assert good.exists()


def test_utf16_with_bom_and_utf8_bom_decode():
    assert decode("Headline\n\nText".encode("utf-16")) == "Headline\n\nText"  # encode() writes the BOM
    assert decode("\ufeffHeadline".encode("utf-8")) == "Headline"


def test_folders_recurse_skip_hidden_files_and_globs_expand(tmp_path):
    write(tmp_path / "a" / "b" / "deep.txt", f"Deep\n\n{BODY}")
    write(tmp_path / "a" / ".hidden.txt", f"Hidden\n\n{BODY}")
    write(tmp_path / "a" / "top.md", f"Top\n\n{BODY}")
    assert sorted(a.title for a in load([tmp_path / "a"])) == ["Deep", "Top"]
    assert [a.title for a in load([str(tmp_path / "a" / "**" / "*.txt")])] == ["Deep"]


def test_missing_paths_raise_input_error_naming_them(tmp_path):
    with pytest.raises(InputError, match="no such file or directory: .*nope"):
        list(load([tmp_path / "nope"]))
    with pytest.raises(InputError, match="no files match"):
        list(load([str(tmp_path / "*.jsonl")]))


def test_markdown_front_matter_gives_title_outlet_and_date(tmp_path):
    fenced = write(tmp_path / "a.md", f'---\nlayout: post\ntitle: "Harbor Bakery wins bread prize"\n'
                                      f"source: Riverside Gazette\ndate: 2024-05-02 10:00:00 +0000\n"
                                      f"authors: [Ann Lee, Bo Kim]\n---\n\n# Harbor Bakery wins bread prize\n\n{BODY}\n")
    [article], problems = split(load([fenced]))
    assert not problems
    assert (article.title, article.source, article.published_at) == ("Harbor Bakery wins bread prize",
                                                                     "Riverside Gazette", date(2024, 5, 2))
    assert article.authors == ("Ann Lee", "Bo Kim") and article.text == BODY  # the repeated heading is dropped
    unfenced = write(tmp_path / "b.txt", f"Publisher: Valley Post\nPublished: 2024-05-03\n\nMill closes\n\n{BODY}\n")
    [article], _ = split(load([unfenced]))
    assert (article.title, article.source, article.published_at) == ("Mill closes", "Valley Post", date(2024, 5, 3))
    assert article.text == BODY


def test_a_title_that_looks_like_a_key_is_still_the_title(tmp_path):
    path = write(tmp_path / "a.txt", f"Update: talks resume in Geneva\n\n{BODY}\n")
    [article], _ = split(load([path]))
    assert article.title == "Update: talks resume in Geneva" and article.text == BODY


def test_html_reads_json_ld_and_time_when_meta_tags_are_missing(tmp_path):
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Not the outlet"},
        {"@type": ["NewsArticle"], "headline": "Mill closes", "datePublished": "2024-05-03T10:00:00Z",
         "publisher": {"@type": "Organization", "name": "Valley Post"}, "author": [{"name": "Jo Doe"}]}]}
    page = (f'<html><head><script type="application/ld+json">{{broken</script>'
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><article><p>{BODY}</p></article></body></html>")
    [article], _ = split(load([write(tmp_path / "ld.html", page)]))
    assert (article.title, article.source, article.published_at) == ("Mill closes", "Valley Post", date(2024, 5, 3))
    assert article.authors == ("Jo Doe",) and article.text == BODY and "NewsArticle" not in article.text
    timed = f'<html><body><nav><time datetime="2030-01-01">today</time></nav><h1>Mill closes</h1>' \
            f'<time datetime="2024-05-04">May 4</time><p>{BODY}</p></body></html>'
    [article], _ = split(load([write(tmp_path / "time.html", timed)]))
    assert article.published_at == date(2024, 5, 4)  # the page's date, not the navigation's


def test_newsapi_style_records_give_outlet_and_date(tmp_path):
    record = {"source": {"id": None, "name": "BBC News"}, "author": {"name": "Kim Park"}, "title": "T",
              "publishedAt": "2024-12-08T09:00:00Z", "content": BODY}
    [article], _ = split(load([write(tmp_path / "a.json", json.dumps(record))]))
    assert (article.source, article.published_at, article.authors) == ("BBC News", date(2024, 12, 8), ("Kim Park",))


def test_origin_label_never_shows_an_absolute_path(tmp_path, monkeypatch):
    from rag.sources.loaders import origin_label

    monkeypatch.chdir(tmp_path)
    assert origin_label("news/a.jsonl:3") == "news/a.jsonl:3"  # ingested as a relative path: shown as given
    assert origin_label(str(tmp_path / "news" / "a.md")) == str(Path("news") / "a.md")
    assert origin_label(str(tmp_path.parent / "elsewhere" / "b.json[2]")) == "b.json[2]"
    assert origin_label("") == ""
