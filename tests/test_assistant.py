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


def test_stream_yields_sources_then_text_then_the_checked_answer(seeded):
    events = list(seeded.stream("Where did Assad and his family flee?"))
    assert isinstance(events[0], Retrieved) and events[0].passages
    assert isinstance(events[-1], Answer)
    streamed = "".join(e for e in events if isinstance(e, str))
    assert "Russia" in streamed and events[-1].text == streamed.strip()


class HandshakeModel(BaseChatModel):
    """Writes its first words, then waits until the reader has them before writing the rest: if anything between the
    model and the reader buffered the answer, the reader would get nothing until the model had finished."""

    reader_had_them: threading.Event
    waited: list[bool]

    @property
    def _llm_type(self) -> str:
        return "handshake"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
        raise AssertionError("the answer must be streamed")

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
        yield ChatGenerationChunk(message=AIMessageChunk(content="Nayrab refugee camp"))
        self.waited.append(self.reader_had_them.wait(timeout=30))
        yield ChatGenerationChunk(message=AIMessageChunk(content=" [1]"))


def test_the_first_words_reach_the_reader_while_the_model_is_still_writing(seeded):
    model = HandshakeModel(reader_had_them=threading.Event(), waited=[])
    assistant = seeded.with_settings(mode="local")
    assistant.__dict__["chat_model"] = assistant.__dict__["_open_chat_model"] = model  # the LLM is not the subject
    events = []
    for event in assistant.stream("Where did the clashes erupt?"):
        events.append(event)
        if isinstance(event, str):
            model.reader_had_them.set()
    assert model.waited == [True]  # the reader had the first words before the model wrote the rest
    assert events[1] == "Nayrab refugee camp" and "Nayrab refugee camp [1]" in events[-1].text


def test_a_one_shot_extractive_ask_loads_no_chat_model_or_front_end(seeded):
    code = ("import sys; from cli.main import main; main(['ask', '-m', 'extractive', '--index', sys.argv[1], "
            "'Where did the clashes erupt?']); "
            "print(sorted({'rag.llm', 'xllamacpp', 'gradio', 'matplotlib', 'ui', 'eval'} & set(sys.modules)))")
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
