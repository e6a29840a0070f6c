"""Start the web chat on the bundled articles: build the index if it is missing or stale, then serve."""

from __future__ import annotations

import argparse
import logging
import os

from qa import QA, Settings
from qa.loading import ensure_index
from qa.web import build_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("QA_HOST", "127.0.0.1"), help="default 127.0.0.1 (local only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("QA_PORT", "7860")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env()
    ensure_index(settings)
    build_demo(QA.load(settings), settings).queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port
    )


if __name__ == "__main__":
    main()
