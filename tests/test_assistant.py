"""End to end through the Python API: the seed corpus in a real index, real embeddings, extractive answers."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from conftest import ROOT
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from rag import Answer, InputError, NewsAssistant, Retrieved, StoreError
from rag.assistant import KeyPoints


def test_cited_answer_about_the_seed_article(seeded):
    answer = seeded.ask("Where did the clashes erupt?")
    assert not answer.refused
    assert "[1]" in answer.text and "Nayrab refugee camp" in answer.text
    assert answer.short_answer == "Aleppo"
    [citation] = answer.citations
    assert citation.number == 1
    assert citation.title == "Clashes Erupt in Aleppo as Syria Nears Brink of Internal Conflict"
    assert citation.passage.origin.endswith("000_3424cc2725251ae5.txt")
    assert "Nayrab" in citation.passage.text and citation.cited_by
    article_text = open(citation.passage.origin, encoding="utf-8").read()
    assert citation.passage.text in article_text  # the quoted passage is the article's own words


def test_questions_the_corpus_cannot_answer_are_refused(seeded):
    for question in ("What is a good recipe for banana bread?", "Who won the 1998 football World Cup?"):
        answer = seeded.ask(question)
        assert answer.refused and answer.citations == () and "do not cover" in answer.text
        assert answer.short_answer == ""


def test_a_question_over_2000_characters_gets_a_clear_message_not_an_answer(seeded, capsys):
    from cli.main import main

    long = "Where did the clashes erupt? " * 80  # 2,320 characters
    with pytest.raises(InputError, match="the question is 2,319 characters long; the most is 2,000"):
        seeded.ask(long)
    assert main(["ask", "--index", str(seeded.settings.index_dir), long]) == 1
    assert capsys.readouterr().err.startswith("newsrag: error: the question is 2,319 characters long")
    assert not seeded.ask(long[:1990]).refused  # just under the limit is still answered


def test_stream_yields_sources_then_text_then_the_checked_answer(seeded):
    events = list(seeded.stream("Where did Assad and his family flee?"))
    assert isinstance(events[0], Retrieved) and events[0].passages
    assert isinstance(events[-1], Answer)
    streamed = "".join(e for e in events if isinstance(e, str))
    assert "Russia" in streamed and events[-1].text == streamed.strip()
    opened = list(seeded.stream("Summarize the situation in Syria."))  # extractive: key points, no lead
    assert [type(e).__name__ for e in opened] == ["Retrieved", "KeyPoints", "Answer"]
    assert opened[-1].points == opened[1].points and opened[-1].text.startswith("Key points:")


class ScriptedModel(BaseChatModel):
    """Writes the given pieces, one chunk each; after ``wait_after`` pieces it waits until the reader has had some
    text, so a test can tell whether anything between the model and the reader held the text back."""

    pieces: list[str]
    wait_after: int = -1
    reader_had_text: threading.Event = threading.Event()
    waited: list[bool] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
        raise AssertionError("the answer must be streamed")

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
        for n, piece in enumerate(self.pieces):
            if n == self.wait_after:
                self.waited.append(self.reader_had_text.wait(timeout=30))
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def with_model(seeded, model):
    assistant = seeded.with_settings(mode="local")
    assistant.__dict__["chat_model"] = assistant.__dict__["_lead_chat_model"] = model  # the LLM is not the subject
    return assistant


def test_an_invented_number_is_never_yielded_not_even_while_the_model_writes(seeded):
    quiz = with_model(seeded, ScriptedModel(pieces=["1", "00", " [", "1", "]"]))
    events = list(quiz.stream("How many people were killed in the Aleppo clashes?"))
    assert not any("100" in e for e in events if isinstance(e, str))
    assert events[-1].refused and "100" not in events[-1].text
    stated = first_point(seeded, "Summarize the situation in Syria.")
    lead = with_model(seeded, ScriptedModel(pieces=["About 500 people died in the clashes [1].", f" {stated[:20]}",
                                                    f"{stated[20:]} [1]"]))
    events = list(lead.stream("Summarize the situation in Syria."))
    shown = "".join(e for e in events if isinstance(e, str))
    assert "500" not in shown and shown == f"{stated[:-1]} [1]{stated[-1]}"
    assert isinstance(events[1], KeyPoints) and events[1].points  # the points stand, and came first
    assert "500" not in events[-1].text and events[-1].lead == shown


def read_while_writing(assistant, model, question, seen):
    """The events of one answer, telling the scripted model the reader has had text once an event of type ``seen``
    arrives (it waits for that after ``wait_after`` pieces)."""
    events = []
    for event in assistant.stream(question):
        events.append(event)
        if isinstance(event, seen):
            model.reader_had_text.set()
    return events


def first_point(assistant, question):
    """The first key point's sentence (the extractive answer has the same points as a model's)."""
    return assistant.ask(question).points[0].text.split("\n")[-1]


def test_the_key_points_and_each_checked_sentence_reach_the_reader_while_the_model_is_still_writing(seeded):
    stated = first_point(seeded, "Summarize the situation in Syria.")
    model = ScriptedModel(pieces=[f"{stated} [1]", " Syria", " is in conflict [1]."],
                          wait_after=2, reader_had_text=threading.Event(), waited=[])
    events = read_while_writing(with_model(seeded, model), model, "Summarize the situation in Syria.", str)
    assert model.waited == [True]  # the reader had the first sentence before the model wrote the rest
    assert [type(e).__name__ for e in events] == ["Retrieved", "KeyPoints", "str", "str", "Answer"]
    assert events[-1].lead == f"{stated[:-1]} [1]{stated[-1]} Syria is in conflict [1]."


def test_one_article_is_one_source_however_many_of_its_chunks_were_read(seeded):
    assert seeded.index.stats().chunks > 1  # the seed article is stored as several chunks
    for question in ("Summarize the situation in Syria.", "Where did Assad and his family flee?"):
        answer = seeded.ask(question)
        assert [c.number for c in answer.citations] == [1] and len(answer.passages) == 1
        assert "[2]" not in answer.text


def test_a_one_shot_extractive_ask_loads_no_chat_model_or_front_end(seeded):
    code = ("import sys; from cli.main import main; main(['ask', '-m', 'extractive', '--index', sys.argv[1], "
            "'Where did the clashes erupt?']); "
            "print(sorted({'rag.models.llm', 'xllamacpp', 'gradio', 'matplotlib', 'ui', 'eval'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code, str(seeded.settings.index_dir)], cwd=ROOT,
                            capture_output=True, text=True)
    assert "Nayrab refugee camp" in result.stdout and result.stdout.strip().splitlines()[-1] == "[]"


def test_follow_up_uses_the_conversation(seeded):
    history = [{"role": "user", "content": "What happened to Bashar al-Assad?"},
               {"role": "assistant", "content": "He fled the country [1]."}]
    alone = seeded.ask("Where did he go?")
    follow_up = seeded.ask("Where did he go?", history=history)
    assert alone.refused  # on its own the question is about nothing
    assert not follow_up.refused and "Russia" in follow_up.text


def test_a_follow_up_that_names_its_subject_is_asked_as_it_is(seeded):
    history = [{"role": "user", "content": "What happened in Aleppo?"},
               {"role": "assistant", "content": "Clashes erupted near the Nayrab refugee camp [1]."}]
    assert seeded.standalone_question("Who seized Deir ez-Zor?", history) == "Who seized Deir ez-Zor?"
    assert seeded.standalone_question("Where did he go?", history) == "What happened in Aleppo? Where did he go?"
    answer = seeded.ask("Who seized Deir ez-Zor?", history=history)
    assert "Syrian Democratic Forces" in answer.text


def test_bad_questions_and_empty_index(seeded, make_assistant):
    with pytest.raises(InputError, match="empty"):
        seeded.ask("   ")
    with pytest.raises(StoreError, match="no index at"):
        make_assistant().ask("Where did the clashes erupt?")
    empty = make_assistant()
    _ = empty.index  # creates an empty store, as an ingest of nothing would
    with pytest.raises(StoreError, match="is empty: add articles first"):
        empty.ask("Where did the clashes erupt?")


def test_import_is_light():
    code = "import sys, rag; heavy = {'torch', 'chromadb', 'gradio', 'sentence_transformers'} & set(sys.modules); print(sorted(heavy))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_settings_reach_the_assistant(tmp_path):
    assistant = NewsAssistant(index_dir=tmp_path / "i", top_k=2)
    assert assistant.settings.top_k == 2 and assistant.settings.index_dir == tmp_path / "i"


def test_a_quiz_answer_shows_its_evidence_before_the_model_writes_and_keeps_its_numbers(seeded):
    model = ScriptedModel(pieces=["Russia", " [1]"], wait_after=0, reader_had_text=threading.Event(), waited=[])
    events = read_while_writing(with_model(seeded, model), model, "Where did Assad and his family flee?", KeyPoints)
    assert model.waited == [True]  # the evidence reached the reader before the model wrote a word
    assert [type(e).__name__ for e in events] == ["Retrieved", "KeyPoints", "str", "Answer"]
    shown, answer = events[1], events[-1]
    assert shown.form == "quiz" and 1 <= len(shown.points) <= 2
    assert answer.short_answer == "Russia" and answer.evidence == shown.points
    article = open(answer.citations[0].passage.origin, encoding="utf-8").read()
    for point in shown.points:  # quoted from the source its number points at, in the answer's own numbering
        source = answer.passages[point.number - 1]
        assert point.passage.article_id == source.article_id and point.text in article
        assert point.number in [c.number for c in answer.citations]
    assert any("Russia" in p.text for p in shown.points)


def test_two_questions_in_one_about_the_seed_article_get_a_point_for_each(seeded):
    answer = seeded.ask("What happened in Syria, and how did Russia respond?")
    assert len(answer.points) >= 2
    assert any("Russia" in p.text for p in answer.points)
    assert any("clashes erupted" in p.text or "captured Damascus" in p.text for p in answer.points)
