"""Follow-up questions made standalone: "Where did he flee?" after a turn about Assad becomes "Where did Assad flee?",
so retrieval and the model read a question that names its subject. Whether a follow-up needs this is
``rag.question.needs_context``; the prompt is ``rag.answering.prompts.condense_messages``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from rag.answering.prompts import condense_messages


def condense_question(model: BaseChatModel, question: str, history: Sequence[dict[str, str]]) -> str | None:
    """A follow-up made standalone ("Where did he flee?" -> "Where did Assad flee?") from the last few turns, or
    None when the model's reply is not a plausible question (small models sometimes answer instead)."""
    reply = model.invoke(condense_messages(question, history))
    rewritten = " ".join(str(reply.content).split()).strip('"')
    rewritten = re.sub(r"^standalone question:\s*", "", rewritten, flags=re.IGNORECASE)
    return rewritten if rewritten.endswith("?") and 3 <= len(rewritten) <= 2 * len(question) + 150 else None
