"""app.py as a user starts it: a live server on 127.0.0.1, driven through gradio_client."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(server: str):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(server, verbose=False)


def test_ask_endpoint_answers_with_citations(client) -> None:  # type: ignore[no-untyped-def]
    result = client.predict(
        "Who reported the Reuters story from Paris on Cazeneuve's call for more British help?", api_name="/ask"
    )
    assert result["answer"] == "James Regan"
    assert result["article_id"] == "000_c41d2c88b869987b.txt"
    assert len(result["sources"]) == 5
    assert result["markdown"].startswith("**James Regan**")


def test_retrieve_endpoint(client) -> None:  # type: ignore[no-untyped-def]
    passages = client.predict("Natacha Bouchart mayor of Calais", 3, api_name="/retrieve")
    assert len(passages) == 3
    assert passages[0]["article_id"] == "003_bd1ad776a86b5c50.txt"


def test_chat_endpoint_and_empty_question(client) -> None:  # type: ignore[no-untyped-def]
    reply = client.predict("Who is France's interior minister?", api_name="/chat")
    assert "Cazeneuve" in reply and "**Sources**" in reply
    assert "Please type a question" in client.predict("   ", api_name="/chat")


def test_server_is_not_reachable_on_other_interfaces(server: str) -> None:
    port = int(server.rstrip("/").rsplit(":", 1)[1])
    ips = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for ip in ips - {"127.0.0.1"}:
        with pytest.raises(OSError):
            socket.create_connection((ip, port), timeout=1).close()
