"""`pip install .` gives a working tool (issue 16, part 1): the wheel carries the reader and the example corpus, the
index goes to a per-user folder, and the `qa` command and the Python API answer from any directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
QUESTION = "Who is France's interior minister?"


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_installs_a_tool_that_answers_from_another_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    source.mkdir()  # a copy of what the wheel is built from: a build writes build/ into its tree
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("qa", "seeds", "models"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(wheels)],
        tmp_path,
        env,
    )
    (wheel,) = wheels.glob("newsqa-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    # the dependencies are this environment's (installing torch again would take minutes); the package is the wheel's
    site = Path(
        run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    env = {**env, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache")}
    located = run([str(python), "-c", "import qa.config as c; print(c.CHECKOUT, c.Settings())"], elsewhere, env)
    assert located.stdout.startswith("False") and str(ROOT) not in located.stdout  # nothing points at the checkout

    qa = str(venv / "bin" / "qa")
    built = run([qa, "build"], elsewhere, env)
    assert "5 articles" in built.stdout and str(home / "data" / "newsqa" / "indexes") in built.stdout
    answer = run([qa, "ask", QUESTION], elsewhere, env)
    assert answer.stdout.startswith("Bernard Cazeneuve"), answer.stdout
    # the Python API of the installed package, on a corpus of the user's own: its index is built on first use
    mine = tmp_path / "my-articles"
    mine.mkdir()
    (mine / "note.txt").write_text("Harbour notice\n\nThe harbour master of Zeebrugge is Quentin Vandermeulen.\n")
    code = "import qa; a = qa.answer('Who is the harbour master of Zeebrugge?'); print(a.text, a.article_id)"
    api = run([str(python), "-c", code], elsewhere, {**env, "QA_SEEDS_DIR": str(mine)})
    assert api.stdout.strip() == "Quentin Vandermeulen note.txt", api.stdout + api.stderr
    assert not (mine / "embeddings").exists() and [p.name for p in mine.iterdir()] == ["note.txt"]  # never written
    assert list((home / "data" / "newsqa" / "indexes").glob("my-articles-*/manifest.json"))


def test_qa_serve_runs_the_chat_on_any_folder(tmp_path: Path) -> None:
    """`qa serve DIR`: the folder's index is built first (in the per-user folder), then its articles answer."""
    from gradio_client import Client

    from tests.conftest import SEEDS, start_app

    folder = tmp_path / "my-articles"
    folder.mkdir()
    (folder / "strike.txt").write_text(
        "Dover ferry strike\n\nThe strike at Dover was called by the union leader Margaret Okonkwo-Baptiste.\n",
        encoding="utf-8",
    )
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}  # the app's own corpus and index (QA_*) are other folders
    proc, url = start_app(
        SEEDS, tmp_path / "unused", tmp_path / "serve.log", env=env, command=["-m", "qa", "serve", str(folder)]
    )
    try:
        result = Client(url, verbose=False).predict("Who called the strike at Dover?", api_name="/ask")
        assert result["answer"] == "Margaret Okonkwo-Baptiste" and result["article_id"] == "strike.txt"
        assert list((tmp_path / "data" / "newsqa" / "indexes").glob("my-articles-*/manifest.json"))
        assert [p.name for p in folder.iterdir()] == ["strike.txt"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
