"""The Gradio chat, the articles panel and the named API endpoints, around a loaded QA (app.py only launches it)."""

from __future__ import annotations

import argparse
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from qa.access import READ_ONLY_VALUES, check_exposure, credentials
from qa.build import TEXTS
from qa.config import Settings
from qa.corpus import MAX_ARTICLE_BYTES
from qa.feedback import FEEDBACK_FILE, FeedbackLog, Vote
from qa.formatting import article_html, escape, format_answer
from qa.loading import ensure_index, ensure_index_with_progress
from qa.pipeline import QA, EmptyQuestionError
from qa.stores import StoreError
from qa.types import Answer, Passage, Span
from qa.uploads import UploadError, save_upload

logger = logging.getLogger(__name__)

EXAMPLES = [  # each answered confidently on the seeds (tests/e2e/test_models.py), two with every article's figure
    "Who is France's interior minister?",
    "How many migrants are camped in and around Calais?",
    "How much money is Britain providing?",
    "Who is the mayor of Calais?",
]
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 7860
# The marked span into view (its scroll margin keeps the article's sticky header above it), once it is drawn.
SCROLL_TO_MARK = "() => setTimeout(() => document.getElementById('hl')?.scrollIntoView({block: 'start'}), 300)"
# A source's "open the article" link opens the article in this page's Article tab, the conversation kept: the
# chat renders links to open in a new tab (a second copy of the app), so clicks on them are taken here instead.
LINKS_IN_PAGE = """() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href*="?article="]');
    const box = document.querySelector('#article-link textarea, #article-link input');
    if (!link || !box || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    event.stopPropagation();
    box.value = link.getAttribute('href');
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => document.getElementById('article-follow').click(), 50);
  }, true);
}"""


def listen_address(env: Mapping[str, str]) -> tuple[str, int]:
    """Where to serve when no flag says: QA_HOST/QA_PORT, else Gradio's own GRADIO_SERVER_NAME/GRADIO_SERVER_PORT
    (what container and Spaces deployments set), else loopback only, port 7860."""
    host = env.get("QA_HOST") or env.get("GRADIO_SERVER_NAME") or DEFAULT_HOST
    port = env.get("QA_PORT") or env.get("GRADIO_SERVER_PORT") or str(DEFAULT_PORT)
    try:
        return host, int(port)
    except ValueError as err:
        raise ValueError(f"the port must be a number, got {port!r}") from err


EMPTY_REPLY = "Please type a question about the articles, for example: Who is France's interior minister?"


def passage_json(passage: Passage) -> dict[str, Any]:
    return {**asdict(passage.chunk), "score": passage.score, "for_reports": passage.for_reports}


def report_json(span: Span) -> dict[str, Any]:
    """Another article's report: its value, where it is (offsets into the article file) and whose it is."""
    return {
        "text": " ".join(span.text.split()),
        "score": span.score,
        "article_id": span.article_id,
        "title": span.title,
        "outlet": span.outlet,
        "date": span.date,
        "start": span.article_start,
        "end": span.article_end,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    """A JSON-safe view of an Answer for API clients."""
    return {
        "question": answer.question,
        "asked": answer.asked,  # the question as typed, when a mistyped word was read as another (else null)
        "status": answer.status,  # answer (confident) | guess (not confirmed: see "guess") | not_found
        "answer": answer.text,  # the confident answer, else null
        "guess": report_json(answer.guess) if answer.guess else None,
        "score": answer.score,
        "article_id": answer.article_id,
        "start": answer.start,
        "end": answer.end,
        "sources": [passage_json(p) for p in answer.sources],
        "reports_differ": answer.reports_differ,
        "unconfirmed": answer.unconfirmed,
        "alternatives": [report_json(s) for s in answer.alternatives],
        "agreeing": [report_json(s) for s in answer.agreeing],
        "markdown": format_answer(answer),
    }


def message_text(content: Any) -> str:
    """The text of a message's content: Gradio 6 sends a list of parts ({"type": "text", "text": ...}), older
    versions a plain string."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "") if content.get("type", "text") == "text" else ""
    if isinstance(content, list | tuple):
        return " ".join(t for t in (message_text(part) for part in content) if t)
    return ""


def user_questions(history: list[Any]) -> list[str]:
    """Earlier user turns of a Gradio messages history, oldest first."""
    out = []
    for turn in history or []:
        if isinstance(turn, dict) and turn.get("role") == "user" and (text := message_text(turn.get("content"))):
            out.append(text)
    return out


def index_summary(qa: QA) -> str:
    """The articles panel: what is indexed, when, with which models."""
    d = qa.describe()
    rows = [
        f"**{d['articles']} articles, {d['chunks']} chunks** built {d['built']} with `{d['embed_model']}` "
        f"({d['structure']}); retrieval: {d['retrieval']}; {d['reader']}",
        "",
        "| title | outlet | date | format | file |",
        "|---|---|---|---|---|",
    ]
    for a in d["article_facts"]:
        cells = (a["title"], a["outlet"] or "", a["date"] or "", Path(a["id"]).suffix.lstrip("."), a["id"])
        rows.append("| " + " | ".join(escape(str(c), True) for c in cells) + " |")
    rows.append("")
    rows += [f"- skipped {escape(name, True)}: {escape(why, True)}" for name, why in d["skipped"].items()]
    return "\n".join(rows)


class WebApp:
    """State behind the page: the QA, its settings, one lock so rebuilds never overlap, and the recent replies so
    that a vote on one is recorded with the answer it rated."""

    REMEMBERED = 1_000

    def __init__(self, qa: QA, settings: Settings) -> None:
        self.qa = qa
        self.settings = settings
        self.lock = threading.Lock()
        self.feedback = FeedbackLog(settings.index_dir / FEEDBACK_FILE)
        self.replies: OrderedDict[str, Answer] = OrderedDict()

    def respond(self, message: str, history: list[Any]) -> str:
        try:
            answer = self.qa.answer(message, history=user_questions(history))
        except EmptyQuestionError:
            return EMPTY_REPLY
        except (ValueError, StoreError) as err:  # StoreError: a Milvus server gone away, say
            return f"Sorry: {escape(str(err), True)}."
        reply = format_answer(answer)
        self.replies[reply] = answer
        while len(self.replies) > self.REMEMBERED:
            self.replies.popitem(last=False)
        return reply

    def article_view(self, article_id: str | None, start: int | None = None, end: int | None = None) -> str:
        """The article view's HTML for an indexed article (any other name, a path included, gets a message), with
        [start, end) marked: offsets into its text, the extracted copy for a converted file (qa.build.keep_texts)."""
        facts = {a["id"]: a for a in self.qa.articles()}
        if not article_id:
            return "<p>Choose an article, or open one from an answer's sources.</p>"
        if article_id not in facts:
            return f"<p>No article called {escape(article_id, False)!r} is indexed.</p>".replace("'", "&#x27;")
        copy = self.settings.index_dir / TEXTS / f"{article_id}.txt"
        path = copy if copy.is_file() else self.settings.seeds_dir / article_id
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            return f"<p>{escape(article_id, False)} cannot be read now ({type(err).__name__}).</p>"
        span = (start, end) if start is not None and end is not None else None
        return article_html(facts[article_id], text, span)

    def vote(self, reply: str, liked: bool) -> bool:
        """Record a thumbs up or down on a reply of this server (qa.feedback); False for one it does not know
        (given before a restart, or not an answer), which is logged and not recorded."""
        answer = self.replies.get(reply)
        if answer is None:
            logger.warning("a vote on a reply this server did not give (or no longer remembers) was not recorded")
            return False
        self.feedback.add(Vote.of(answer, liked))
        return True

    def rebuild(self, progress: Any = None) -> str:
        with self.lock:
            built = self.rebuild_locked(progress)
        return "Index rebuilt." if built else "Index was already up to date."

    def add_articles(self, paths: list[str] | None, progress: Any = None) -> str:
        """Store valid uploads under the corpus folder and index them; on any failure nothing changes."""
        lines: list[str] = []
        saved = []
        with self.lock:
            for raw in paths or []:
                path = Path(raw)
                try:
                    if path.stat().st_size > MAX_ARTICLE_BYTES:
                        raise UploadError(
                            f"{path.name!r} is {path.stat().st_size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,}"
                        )
                    saved.append(save_upload(path.name, path.read_bytes(), self.settings.seeds_dir))
                    lines.append(f"- added {escape(saved[-1].name, True)}")
                except UploadError as err:
                    lines.append(f"- refused: {escape(str(err), True)}")
            if saved:
                try:
                    self.rebuild_locked(progress)
                except Exception as err:  # the build failed: take the new files back out
                    logger.exception("indexing the upload failed")
                    for up in saved:
                        up.path.unlink(missing_ok=True)
                    return f"Indexing failed ({escape(str(err), True)}); nothing was changed."
        if not lines:
            return "Choose one or more article files first."
        return "\n".join(lines) + ("\n\nNew articles are searchable now." if saved else "")

    def rebuild_locked(self, progress: Any) -> bool:
        """Build if stale and swap the new index in; True if a build happened."""

        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(done / max(total, 1), desc=f"embedding {done}/{total} chunks")

        manifest = ensure_index(self.settings, progress=report)
        self.qa.reload(self.settings)
        return manifest is not None


def build_demo(qa: QA, settings: Settings | None = None, *, read_only: bool = False) -> Any:
    """The page: chat, articles panel (upload and rebuild unless read_only: then neither the controls nor their
    endpoints exist) and the `chat`, `ask`, `retrieve` endpoints."""
    import gradio as gr

    app = WebApp(qa, settings or Settings.from_env())

    def ask(question: str) -> dict[str, Any]:
        """Answer a question: the span, its confidence, article offsets and numbered sources."""
        try:
            return answer_json(app.qa.answer(question))
        except (ValueError, StoreError) as err:
            raise gr.Error(str(err)) from err

    def retrieve(question: str, k: int = 5) -> list[dict[str, Any]]:
        """The k best passages for a question, best first."""
        try:
            return [passage_json(p) for p in app.qa.retrieve(question, int(k))]
        except (ValueError, StoreError) as err:
            raise gr.Error(str(err)) from err

    def vote(data: gr.LikeData) -> None:
        app.vote(message_text(data.value), data.liked is True)

    # Gradio passes the vote (the request) to a parameter annotated gr.LikeData (gr.Request); with postponed
    # annotations it sees only a string it cannot resolve (gradio is imported here, lazily), so give it the class.
    vote.__annotations__["data"] = gr.LikeData

    def opened(query: Mapping[str, str]) -> tuple[Any, Any, str]:
        """The Article tab on the article a source's link names (?article=...&start=...&end=...), span marked."""
        if "article" not in query:
            return gr.update(), gr.update(), app.article_view(None)
        try:
            start, end = int(query.get("start", "")), int(query.get("end", ""))
        except ValueError:
            start = end = None  # type: ignore[assignment]
        article = query["article"]
        return gr.update(selected="article"), gr.update(value=article), app.article_view(article, start, end)

    def from_address(request: gr.Request) -> tuple[Any, Any, str]:
        """A page opened at a source's link (in a new tab, or from a bookmark) shows that article."""
        return opened(dict(request.query_params) if request else {})

    def from_link(href: str) -> tuple[Any, Any, str]:
        """A source's link clicked in the chat: the same page shows the article (LINKS_IN_PAGE sent its href)."""
        from urllib.parse import parse_qsl, urlsplit

        return opened(dict(parse_qsl(urlsplit(href or "").query)))

    def chosen(article: str | None) -> str:
        return app.article_view(article)

    from_address.__annotations__["request"] = gr.Request  # as for vote above

    def ids() -> list[str]:
        return [str(a["id"]) for a in app.qa.articles()]

    with gr.Blocks(title="News QA") as demo:
        gr.Markdown("# News QA\nAnswers are quoted from the articles, with numbered sources you can check.")
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                chatbot = gr.Chatbot(height=620, label="Answers with sources", elem_id="chat")
                if not read_only:  # a vote writes to the server's disk: not for anyone on a read-only server
                    chatbot.like(vote, None, None, api_visibility="private")
                gr.ChatInterface(
                    fn=app.respond, examples=EXAMPLES, api_name="chat", concurrency_limit=4, chatbot=chatbot
                )
            with gr.Tab("Articles", id="articles"):
                articles_panel(app, read_only)
            with gr.Tab("Article", id="article") as article_tab:
                choice = gr.Dropdown(choices=ids(), label="Article", elem_id="article-choice", value=None)
                view = gr.HTML(app.article_view(None), elem_id="article-view")
        gr.HTML("<style>.qa-plumbing{display:none !important}</style>", padding=False)
        # what a clicked source link asks for: rendered (so that the page's script can fill it) but never shown
        link = gr.Textbox(elem_id="article-link", elem_classes=["qa-plumbing"], container=False)
        follow = gr.Button(elem_id="article-follow", elem_classes=["qa-plumbing"])
        choice.input(chosen, inputs=choice, outputs=view, api_visibility="private")
        article_tab.select(lambda: gr.update(choices=ids()), outputs=choice, api_visibility="private")
        demo.load(from_address, None, [tabs, choice, view], api_visibility="private").then(None, js=SCROLL_TO_MARK)
        demo.load(None, js=LINKS_IN_PAGE)
        follow.click(from_link, inputs=link, outputs=[tabs, choice, view], api_visibility="private").then(
            None, js=SCROLL_TO_MARK
        )
        gr.api(ask, api_name="ask", concurrency_limit=4)
        gr.api(retrieve, api_name="retrieve", concurrency_limit=4)
    return demo


def articles_panel(app: WebApp, read_only: bool = False) -> None:
    """The Articles tab: what is indexed, uploads and a rebuild button (the `upload` and `rebuild` endpoints)."""
    import gradio as gr

    if read_only:
        gr.Markdown(index_summary(app.qa), elem_id="index-summary")
        gr.Markdown("This server is read-only: articles are added where it runs.", elem_id="read-only")
        return

    def upload(paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008
        return app.add_articles(paths, progress), index_summary(app.qa)

    def rebuild(progress: gr.Progress = gr.Progress()) -> tuple[str, str]:  # noqa: B008
        return app.rebuild(progress), index_summary(app.qa)

    summary = gr.Markdown(index_summary(app.qa), elem_id="index-summary")
    files = gr.File(
        label="Add articles: .txt or .md (UTF-8), saved web pages (.html) or PDFs with a text layer; up to 5 MB each",
        file_count="multiple",
        file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
        elem_id="upload",
    )
    with gr.Row():
        add = gr.Button("Add to the corpus", variant="primary", elem_id="add-articles")
        again = gr.Button("Rebuild index", elem_id="rebuild")
    result = gr.Markdown(elem_id="upload-result")
    added = add.click(upload, inputs=files, outputs=[result, summary], api_name="upload", concurrency_limit=1)
    # Empty the upload box once the files are handled (added or refused), so the next choice starts from a clean box.
    added.then(lambda: None, outputs=files, api_visibility="private")
    again.click(rebuild, outputs=[result, summary], api_name="rebuild", concurrency_limit=1)


def serve_arguments(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> None:
    """The flags of `python app.py` and `qa serve`: where to listen, read-only, verbose."""
    host, port = listen_address(env)
    parser.add_argument("--host", default=host, help="default QA_HOST, GRADIO_SERVER_NAME or 127.0.0.1 (local only)")
    parser.add_argument("--port", type=int, default=port, help="default QA_PORT, GRADIO_SERVER_PORT or 7860")
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=env.get("QA_READ_ONLY", "").lower() in READ_ONLY_VALUES,
        help="no uploads or rebuilds (QA_READ_ONLY=1); needed off loopback unless QA_AUTH/QA_AUTH_FILE set a login",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="every library's INFO log lines too")


def serve(args: argparse.Namespace, settings: Settings, parser: argparse.ArgumentParser) -> None:
    """Refuse an unsafe exposure, build or update the index (with a progress bar), load the models and serve."""
    import os

    try:
        logins = credentials(os.environ)
        check_exposure(args.host, logins, args.read_only)
    except ValueError as err:
        parser.exit(2, f"error: {err}\n")
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("qa").setLevel(logging.INFO)  # our own start-up lines; third-party INFO only with --verbose
    ensure_index_with_progress(settings)
    demo = build_demo(QA.load(settings), settings, read_only=args.read_only).queue(default_concurrency_limit=4)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    logger.info("the chat is on http://%s:%d (stop it with Ctrl+C)", shown, args.port)
    demo.launch(  # quiet: Gradio's own lines (its share link hint is no use to an offline app); ours above
        server_name=args.host,
        server_port=args.port,
        auth=logins or None,
        auth_message="News QA: log in to ask questions and add articles.",
        quiet=True,
    )
