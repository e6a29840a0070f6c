"""app.py as a user starts it: a live server on 127.0.0.1, driven through gradio_client."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_answers_with_citations(client) -> None:  # type: ignore[no-untyped-def]
    result = client.predict("Who is the mayor of Calais?", api_name="/ask")
    assert (result["status"], result["answer"], result["guess"]) == ("answer", "Natacha Bouchart", None)
    assert result["article_id"] == "003_bd1ad776a86b5c50.txt"
    assert len([s for s in result["sources"] if not s["for_reports"]]) == 5
    assert result["markdown"].startswith("**Natacha Bouchart** — ITV")


def test_ask_endpoint_labels_a_guess_and_says_when_nothing_is_found(client) -> None:  # type: ignore[no-untyped-def]
    """Below the answer line the span comes as "guess", never as "answer"; off the articles' topics, nothing."""
    result = client.predict(
        "Who reported the Reuters story from Paris on Cazeneuve's call for more British help?", api_name="/ask"
    )
    assert (result["status"], result["answer"], result["article_id"]) == ("guess", None, None)
    guess = result["guess"]
    assert (guess["text"], guess["article_id"]) == ("James Regan", "000_c41d2c88b869987b.txt")
    assert 0 < guess["start"] < guess["end"] and guess["score"] == result["score"]
    assert "Best guess, not confirmed" in result["markdown"]
    off = client.predict("What is the capital of Australia?", api_name="/ask")
    assert (off["status"], off["answer"], off["guess"]) == ("not_found", None, None)
    assert off["markdown"].startswith("I could not find anything about that in the articles.")


def test_retrieve_endpoint(client) -> None:  # type: ignore[no-untyped-def]
    passages = client.predict("Natacha Bouchart mayor of Calais", 3, api_name="/retrieve")
    assert len(passages) == 3
    assert passages[0]["article_id"] == "003_bd1ad776a86b5c50.txt"


def test_chat_endpoint_and_empty_question(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.predict("Who is France's interior minister?", api_name="/chat")
    answer_line = reply.splitlines()[0]  # the sources below name him too, even when the system abstains
    assert answer_line.startswith("**Bernard Cazeneuve** — ") and "confidence" in answer_line, answer_line
    assert "<details><summary><strong>Sources</strong> (" in reply  # the sources, collapsed below the answer
    assert "Please type a question" in client.predict("   ", api_name="/chat")


def listening_addresses(port: int) -> set[str]:
    """The local addresses that sockets listening on this TCP port are bound to (Linux /proc/net)."""
    import ipaddress

    found = set()
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # /proc prints each 32-bit word in host (little-endian) order
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(words if width == 16 else words[:4])))
    return found


def test_server_listens_on_loopback_only(server: str) -> None:
    """The bound socket of the live server, not a connection attempt: a bind to 0.0.0.0 or :: fails this."""
    port = int(server.rstrip("/").rsplit(":", 1)[1])
    bound = listening_addresses(port)
    assert bound, f"nothing listens on port {port}"
    assert bound <= {"127.0.0.1", "::1"}, bound


def test_listening_addresses_reads_a_wildcard_bind() -> None:
    """The check above can see a bind to every interface (so it can fail)."""
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        assert listening_addresses(s.getsockname()[1]) == {"0.0.0.0"}


def test_ask_gives_alternatives_from_other_articles(client, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    """Each alternative is another article's differing answer: its outlet, date, title and offsets into its file."""
    result = client.predict("How many migrants are in Calais?", api_name="/ask")
    assert result["answer"] and result["reports_differ"], result
    assert len(result["alternatives"]) >= 3
    for alt in result["alternatives"]:
        assert alt["article_id"] != result["article_id"] and alt["text"] and alt["text"] != result["answer"]
        assert 0.0 <= alt["score"] <= 1.0
        text = (live_server.seeds / alt["article_id"]).read_text(encoding="utf-8")
        assert " ".join(text[alt["start"] : alt["end"]].split()) == alt["text"]
        assert alt["title"] and "outlet" in alt and "date" in alt
    assert {"Reuters", "Home Office"} <= {a["outlet"] for a in result["alternatives"]}
    cited = {s["article_id"] for s in result["sources"]}
    assert {a["article_id"] for a in result["alternatives"]} <= cited


def test_ask_says_when_an_abstentions_reports_are_unconfirmed(client) -> None:  # type: ignore[no-untyped-def]
    result = client.predict("How many illegal immigration networks have been dismantled?", api_name="/ask")
    assert result["answer"] is None and result["unconfirmed"] and not result["reports_differ"], result
    assert {a["text"] for a in result["alternatives"]} == {"17", "19"}
    assert "not confirmed" in result["markdown"]


def test_rebuild_endpoint_indexes_a_new_file_while_questions_are_answered(  # type: ignore[no-untyped-def]
    client, live_server: LiveServer
) -> None:
    """A file dropped into the corpus is indexed by /rebuild; questions asked meanwhile are answered normally."""
    article = live_server.seeds / "zeebrugge.txt"
    article.write_text(
        "Harbour notice\n\nThe harbour master of Zeebrugge is Quentin Vandermeulen, officials said.\n", "utf-8"
    )
    job = client.submit(api_name="/rebuild")
    during = [client.predict("Who is France's interior minister?", api_name="/ask") for _ in range(3)]
    message, summary = job.result(timeout=300)
    assert message == "Index rebuilt." and "zeebrugge.txt" in summary
    assert all("Cazeneuve" in (r["answer"] or "") for r in during), [r["answer"] for r in during]
    result = client.predict("Who is the harbour master of Zeebrugge?", api_name="/ask")
    assert result["answer"] == "Quentin Vandermeulen" and result["article_id"] == "zeebrugge.txt"
    assert client.predict(api_name="/rebuild")[0] == "Index was already up to date."


def test_a_stale_index_is_rebuilt_when_the_app_starts(real_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from qa.index import Index
    from tests.conftest import SEEDS, start_app

    seeds, index = tmp_path / "seeds", tmp_path / "embeddings"
    seeds.mkdir()
    index.mkdir()
    for path in SEEDS.glob("*.txt"):
        (seeds / path.name).write_bytes(path.read_bytes())
    for path in real_settings.index_dir.iterdir():
        (index / path.name).write_bytes(path.read_bytes())
    (seeds / "dover.txt").write_text("Dover news\n\nFerries to Dover were cancelled on Friday.\n", "utf-8")
    proc, _url = start_app(seeds, index, tmp_path / "app.log")
    try:
        assert "dover.txt" in Index.load(index).manifest.files
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_start_is_quiet(live_server: LiveServer) -> None:
    """Third-party INFO lines (the faiss loader, the ONNX quantiser) stay out of the log unless --verbose; no
    share-link hint (an offline app has no use for one); one line of ours says where the chat is."""
    log = live_server.log.read_text()
    assert "INFO faiss" not in log and "INFO onnx" not in log, log[:2000]
    assert "share=True" not in log and "public link" not in log, log[:2000]
    assert log.count("the chat is on http://127.0.0.1:") == 1, log[:2000]


def test_gradio_server_port_is_honoured(real_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Containers and Spaces set GRADIO_SERVER_PORT; with no --port and no QA_PORT the app serves there."""
    from tests.conftest import SEEDS, start_app

    proc, url = start_app(SEEDS, real_settings.index_dir, tmp_path / "app.log", port_variable="GRADIO_SERVER_PORT")
    try:
        assert url.startswith("http://127.0.0.1:")  # start_app returns only once our page answers there
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_an_uploaded_articles_figure_joins_the_reports_without_a_restart(  # type: ignore[no-untyped-def]
    client, server: str
) -> None:
    """Issue 12, part 5: a sixth article with a new figure, added through the upload endpoint, is reported."""
    from tests.e2e.test_disagreement import EXTRA, FIVE_FIGURES
    from tests.e2e.test_hostile import upload_as

    assert "added" in upload_as(server, EXTRA.name, EXTRA.read_bytes())
    result = client.predict(FIVE_FIGURES, api_name="/ask")
    reports = [result, *result["alternatives"]]
    mine = [r for r in reports if r["article_id"] == EXTRA.name]
    assert mine and (mine[0].get("text") or mine[0].get("answer")) == "some 4,000", result["markdown"]
    assert "some 4,000" in result["markdown"] and "2015-09-02" in result["markdown"]


def test_a_web_page_and_a_pdf_are_answered_with_checkable_citations(  # type: ignore[no-untyped-def]
    client, live_server: LiveServer, tmp_path: Path
) -> None:
    """Issue 16, part 3: the offsets of a converted article point into its extracted text, kept beside the index."""
    from gradio_client import handle_file

    from tests.documents import WEB_PAGE, make_pdf

    page, pdf = tmp_path / "dover-strike.html", tmp_path / "ostend-report.pdf"
    page.write_bytes(WEB_PAGE)
    pdf.write_bytes(make_pdf([["Port report"], ["The harbour master of Ostend is Pieter Claes, officials said."]]))
    message, summary = client.predict([handle_file(str(page)), handle_file(str(pdf))], api_name="/upload")
    assert "added dover-strike.html" in message and "added ostend-report.pdf" in message, message
    assert "| Dover ferry strike ends | Channel Gazette | 2015-09-04 | html |" in summary
    for question, answer, file in [
        ("Which union leader spoke about the Dover ferry strike?", "Margaret Okonkwo-Baptiste", page.name),
        ("Who is the harbour master of Ostend?", "Pieter Claes", pdf.name),
    ]:
        result = client.predict(question, api_name="/ask")
        assert (result["answer"], result["article_id"]) == (answer, file), result["markdown"]
        text = (live_server.index / "texts" / f"{file}.txt").read_text(encoding="utf-8")
        assert text[result["start"] : result["end"]] == answer
    assert "ostend-report.pdf (page 2, chars" in result["markdown"]
