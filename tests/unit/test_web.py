"""The page's state object (qa.web.WebApp) with the fake models: uploads, rollback, replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import QA, Settings
from qa.loading import ensure_index
from qa.retriever import Retriever
from qa.stores.faiss import FaissStore
from qa.web import EMPTY_REPLY, WebApp
from tests.conftest import FirstSentenceReader, HashingEncoder


@pytest.fixture
def app(seeds_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WebApp:
    import qa.loading

    settings = Settings(seeds_dir=seeds_copy, index_dir=tmp_path / "idx", min_answer_score=0.0)
    monkeypatch.setattr(qa.loading, "encoder", lambda _settings: HashingEncoder())  # no model for these tests
    ensure_index(settings)
    fake = QA(Retriever(FaissStore.load(settings.index_dir), HashingEncoder()), FirstSentenceReader(), settings)
    return WebApp(fake, settings)


def upload_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_upload_is_indexed_and_answers(app: WebApp, tmp_path: Path) -> None:
    path = upload_file(tmp_path, "ostend.txt", "Port notice\n\nThe Ostend ferry terminal will close in March.\n")
    message = app.add_articles([path])
    assert "added ostend.txt" in message and "searchable now" in message
    assert any(c.article_id == "ostend.txt" for c in app.qa.retriever.store.index.chunks)
    assert app.qa.retrieve("Ostend ferry terminal", 1)[0].article_id == "ostend.txt"


def test_a_failed_indexing_takes_the_upload_back_out(
    app: WebApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.web

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    before = sorted(p.name for p in app.settings.seeds_dir.iterdir())
    chunks_before = app.qa.retriever.store.index.chunks
    monkeypatch.setattr(qa.web, "ensure_index", broken)
    path = upload_file(tmp_path, "ostend.txt", "Port notice\n\nThe Ostend ferry terminal will close in March.\n")
    message = app.add_articles([path])
    assert "Indexing failed" in message and "disk full" in message and "nothing was changed" in message
    assert sorted(p.name for p in app.settings.seeds_dir.iterdir()) == before  # the file was taken back out
    assert app.qa.retriever.store.index.chunks == chunks_before  # and the old index still answers


def test_a_refused_and_a_good_upload_together(app: WebApp, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Un caf\u00e9 \u00e0 Calais".encode("latin-1"))
    good = upload_file(tmp_path, "dover.txt", "Dover news\n\nFerries to Dover were cancelled on Friday.\n")
    message = app.add_articles([str(bad), good])
    assert "refused" in message and "not UTF-8" in message and "added dover.txt" in message
    assert not (app.settings.seeds_dir / "latin1.txt").exists()


def test_an_empty_question_gets_the_hint_and_an_oversized_one_the_limit(app: WebApp) -> None:
    assert app.respond("   ", []) == EMPTY_REPLY
    assert "too long" in app.respond("x" * 5000, [])


def test_a_follow_up_is_read_with_the_conversation(app: WebApp) -> None:
    history = [{"role": "user", "content": "Who is the mayor of Calais?"}, {"role": "assistant", "content": "…"}]
    alone = app.respond("When did she say that?", [])
    with_history = app.respond("When did she say that?", history)
    assert alone != with_history  # the earlier question changes what is retrieved


def test_user_turns_are_read_in_gradio_6_and_older_formats() -> None:
    from qa.web import user_questions

    history = [
        {"role": "user", "content": [{"type": "text", "text": "Who is the mayor of Calais?"}]},  # Gradio 6
        {"role": "assistant", "content": [{"type": "text", "text": "Natacha Bouchart"}]},
        {"role": "user", "content": "Which party?"},  # a plain string, as older versions and API clients send
        {"role": "user", "content": [{"type": "file", "file": {"path": "x.png"}}]},  # no text: skipped
    ]
    assert user_questions(history) == ["Who is the mayor of Calais?", "Which party?"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("127.0.0.1", 7860)),
        ({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8080"}, ("0.0.0.0", 8080)),
        ({"GRADIO_SERVER_PORT": "8080", "QA_PORT": "9000", "QA_HOST": "127.0.0.2"}, ("127.0.0.2", 9000)),
    ],
)
def test_the_listen_address_honours_gradio_settings_below_ours(env: dict[str, str], expected: tuple[str, int]) -> None:
    from qa.web import listen_address

    assert listen_address(env) == expected


def test_a_bad_port_is_named() -> None:
    from qa.web import listen_address

    with pytest.raises(ValueError, match="'eighty'"):
        listen_address({"GRADIO_SERVER_PORT": "eighty"})


def test_the_articles_tab_lists_title_outlet_date_and_format(app: WebApp) -> None:
    from qa.web import index_summary

    summary = index_summary(app.qa)
    assert "| title | outlet | date | format | file |" in summary
    title = "France and UK sign Calais cooperation agreement"
    assert f"| {title} | FRANCE 24 | 2015-08-20 | txt | 002\\_f8273654f7973075.txt |" in summary
    assert "| Home Office | Thursday 2 July | txt |" in summary  # a date as the text gives it
    assert "reader reader" not in summary


def test_the_article_view_marks_the_span_and_shows_only_indexed_articles(app: WebApp, tmp_path: Path) -> None:
    text = (app.settings.seeds_dir / "003_bd1ad776a86b5c50.txt").read_text(encoding="utf-8")
    start = text.index("2,500")
    view = app.article_view("003_bd1ad776a86b5c50.txt", start, start + 5)
    assert '<mark id="hl">2,500</mark> migrants in Calais' in view and "ITV News" in view
    for name in ("../app.py", "/etc/passwd", "README.md", "missing.txt"):
        assert "No article called" in app.article_view(name, 0, 5)
    assert "Choose an article" in app.article_view(None)
    assert "<mark" not in app.article_view("003_bd1ad776a86b5c50.txt")  # no span: the whole text, unmarked


def test_the_article_view_of_a_converted_file_is_its_extracted_text(app: WebApp, tmp_path: Path) -> None:
    from tests.documents import make_pdf

    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(make_pdf([["Harbour notice <b>"], ["The harbour master of Ostend is Pieter Claes."]]))
    assert "added notice.pdf" in app.add_articles([str(pdf)])
    copy = (app.settings.index_dir / "texts" / "notice.pdf.txt").read_text(encoding="utf-8")
    start = copy.index("Pieter")
    view = app.article_view("notice.pdf", start, start + len("Pieter Claes"))
    assert '<mark id="hl">Pieter Claes</mark>' in view and "&lt;b&gt;" in view and "<b>" not in view


def test_source_lines_in_the_chat_link_to_the_article_view(app: WebApp) -> None:
    reply = app.respond("Cazeneuve La Croix interview", [])
    answer = app.replies[reply]
    assert answer.span is not None
    link = f"?article={answer.article_id}&start={answer.start}&end={answer.end}"
    assert f"[open the article]({link})" in reply


def test_the_article_page_reads_like_an_article() -> None:
    """Title, outlet, date and file in a header that stays in view; paragraphs reflowed (offsets unchanged); the
    lines the header already shows left out of the text; a readable measure; the marked span's first part is the
    one scrolled to."""
    from qa.formatting import article_html

    text = "Calais news\nHome Office\n\nThe mayor of\nCalais spoke.\n\nShe said <b>2,500</b>\nmigrants wait.\n"
    span = (text.index("Calais spoke"), text.index("2,500") + 5)  # runs across a paragraph break
    facts = {"id": "a.txt", "title": "Calais news", "outlet": "Home Office", "date": "2 July", "start": 0}
    page = article_html(facts, text, span)
    assert "<header><h2>Calais news</h2><p><em>Home Office · 2 July · a.txt</em></p></header>" in page
    assert "position:sticky" in page and "max-width" not in page and "72ch" in page
    body = page.split("</header>", 1)[1]
    assert "Home Office" not in body and "Calais news" not in body  # said in the header already
    assert body.startswith('<p>The mayor of <mark id="hl">Calais spoke.</mark></p>')  # the line break reflowed
    assert "<p><mark>She said &lt;b&gt;2,500</mark>&lt;/b&gt; migrants wait.</p>" in body  # escaped, second part
    assert body.count('id="hl"') == 1
    assert "<mark" not in article_html(facts, text, None)
