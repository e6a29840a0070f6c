"""Start the web chat on the bundled articles: build the index if it is missing or stale, then serve."""

from __future__ import annotations

import argparse
import logging
import os

from qa import QA, Settings
from qa.loading import ensure_index
from qa.web import build_demo, listen_address


def main() -> None:
    host, port = listen_address(os.environ)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=host, help="default QA_HOST, GRADIO_SERVER_NAME or 127.0.0.1 (local only)")
    parser.add_argument("--port", type=int, default=port, help="default QA_PORT, GRADIO_SERVER_PORT or 7860")
    parser.add_argument("-v", "--verbose", action="store_true", help="every library's INFO log lines too")
    args = parser.parse_args()
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("qa").setLevel(logging.INFO)  # our own start-up lines; third-party INFO only with --verbose
    settings = Settings.from_env()
    ensure_index(settings)
    build_demo(QA.load(settings), settings).queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port
    )


if __name__ == "__main__":
    main()
