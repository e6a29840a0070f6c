"""Safe to expose (issue 16, part 7): off loopback, writes need a login or the page is read-only; else no start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.config import Settings
from tests.conftest import ROOT, SEEDS, start_app

pytestmark = pytest.mark.slow
LOGIN = ("editor", "correct horse battery")


def test_a_server_for_every_interface_without_a_login_refuses_to_start() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QA_AUTH", "QA_AUTH_FILE", "QA_READ_ONLY")}
    done = subprocess.run(
        [sys.executable, "app.py", "--host", "0.0.0.0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "QA_AUTH=user:password" in done.stderr and "--read-only" in done.stderr, done.stderr


def copy_of(real_settings: Settings, folder: Path) -> tuple[Path, Path]:
    seeds, index = folder / "seeds", folder / "embeddings"
    shutil.copytree(SEEDS, seeds)
    shutil.copytree(real_settings.index_dir, index)
    return seeds, index


@pytest.fixture(scope="module")
def with_login(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("login")
    seeds, index = copy_of(real_settings, work)
    env = {"QA_AUTH": f"{LOGIN[0]}:{LOGIN[1]}"}
    proc, url = start_app(seeds, index, work / "app.log", args=["--host", "0.0.0.0"], env=env)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def read_only(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("read-only")
    seeds, index = copy_of(real_settings, work)
    proc, url = start_app(seeds, index, work / "app.log", args=["--host", "0.0.0.0", "--read-only"])
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_off_loopback_with_a_login_the_api_needs_it(with_login: str) -> None:
    import httpx
    from gradio_client import Client

    with httpx.Client(base_url=with_login, timeout=60) as http:
        assert http.get("config").status_code == 401  # no login: not even the page's configuration
        refused = http.post("gradio_api/call/upload", json={"data": [[]]})
        assert refused.status_code in (401, 403), refused.text
    client = Client(with_login, auth=LOGIN, verbose=False)
    assert client.predict("Who is France's interior minister?", api_name="/ask")["answer"] == "Bernard Cazeneuve"
    with pytest.raises(ValueError):
        Client(with_login, auth=(LOGIN[0], "wrong password"), verbose=False)


def test_read_only_serves_questions_but_no_upload_or_rebuild(read_only: str) -> None:
    from gradio_client import Client

    client = Client(read_only, verbose=False)
    assert client.predict("Who is France's interior minister?", api_name="/ask")["answer"] == "Bernard Cazeneuve"
    endpoints = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask", "/chat", "/retrieve"} <= endpoints
    assert not {"/upload", "/rebuild"} & endpoints, endpoints


@pytest.mark.skipif(not shutil.which("chromium"), reason="apt-get install chromium (see .ci/run)")
def test_in_the_browser_a_login_comes_first_and_read_only_has_no_upload_box(with_login: str, read_only: str) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_browser import ARTIFACTS, CHROMIUM_ARGS, ask

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(with_login, wait_until="load")
        page.get_by_label("username").fill(LOGIN[0])
        page.get_by_label("password").fill("wrong password")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect", exact=False).first.wait_for(timeout=30_000)
        page.get_by_label("username").fill(LOGIN[0])  # the form is cleared after a failed login
        page.get_by_label("password").fill(LOGIN[1])
        page.get_by_role("button", name="Login").click()
        page.locator("textarea").first.wait_for(timeout=60_000)
        assert "Bernard Cazeneuve" in str(ask(page, "Who is France's interior minister?").inner_text())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "login-then-chat.png"), full_page=True)

        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(read_only, wait_until="load")
        page.get_by_role("tab", name="Articles").click()
        page.locator("#read-only").wait_for(timeout=30_000)
        assert page.locator("#upload").count() == 0 and page.locator("#rebuild").count() == 0
        page.screenshot(path=str(ARTIFACTS / "read-only-articles.png"), full_page=True)
        browser.close()
