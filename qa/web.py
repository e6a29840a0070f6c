"""The Gradio chat and its named API endpoints, around an already loaded QA (app.py only launches it)."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from qa.formatting import format_answer
from qa.pipeline import QA
from qa.types import Answer, Passage

logger = logging.getLogger(__name__)

EXAMPLES = [
    "Who is France's interior minister?",
    "How many migrants are in Calais?",
    "Who reported the Reuters story from Paris on Cazeneuve's call for more British help?",
    "What did the Home Office say on 2 July?",
]
EMPTY_REPLY = "Please type a question about the articles, for example: Who is France's interior minister?"


def passage_json(passage: Passage) -> dict[str, Any]:
    return {**asdict(passage.chunk), "score": passage.score}


def answer_json(answer: Answer) -> dict[str, Any]:
    """A JSON-safe view of an Answer for API clients."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "score": answer.score,
        "article_id": answer.article_id,
        "start": answer.start,
        "end": answer.end,
        "sources": [passage_json(p) for p in answer.sources],
        "alternatives": [
            {
                "text": " ".join(s.text.split()),
                "score": s.score,
                "article_id": s.passage.article_id if s.passage else None,
                "date": s.passage.date if s.passage else None,
            }
            for s in answer.alternatives
        ],
        "markdown": format_answer(answer),
    }


def build_demo(qa: QA) -> Any:
    """Wrap a loaded QA in a chat page with `chat`, `ask` and `retrieve` API endpoints (no launching)."""
    import gradio as gr

    def respond(message: str, history: list[Any]) -> str:
        try:
            return format_answer(qa.answer(message))
        except ValueError as err:
            return EMPTY_REPLY if "empty" in str(err) else f"Sorry: {err}."

    def ask(question: str) -> dict[str, Any]:
        """Answer a question: the span, its confidence, article offsets and numbered sources."""
        try:
            return answer_json(qa.answer(question))
        except ValueError as err:
            raise gr.Error(str(err)) from err

    def retrieve(question: str, k: int = 5) -> list[dict[str, Any]]:
        """The k best passages for a question, best first."""
        try:
            return [passage_json(p) for p in qa.retrieve(question, int(k))]
        except ValueError as err:
            raise gr.Error(str(err)) from err

    with gr.Blocks(title="News QA") as demo:
        gr.Markdown("# News QA\nAnswers are quoted from the articles, with numbered sources.")
        gr.ChatInterface(fn=respond, examples=EXAMPLES, api_name="chat", concurrency_limit=4)
        gr.api(ask, api_name="ask", concurrency_limit=4)
        gr.api(retrieve, api_name="retrieve", concurrency_limit=4)
    return demo
