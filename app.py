"""Start the web chat on the bundled articles: build the index if it is missing or stale, then serve."""

from __future__ import annotations

import argparse
import logging
import os

from qa import QA, Settings
from qa.access import READ_ONLY_VALUES, check_exposure, credentials
from qa.loading import ensure_index
from qa.web import build_demo, listen_address


def main() -> None:
    host, port = listen_address(os.environ)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=host, help="default QA_HOST, GRADIO_SERVER_NAME or 127.0.0.1 (local only)")
    parser.add_argument("--port", type=int, default=port, help="default QA_PORT, GRADIO_SERVER_PORT or 7860")
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=os.environ.get("QA_READ_ONLY", "").lower() in READ_ONLY_VALUES,
        help="no uploads or rebuilds (QA_READ_ONLY=1); needed off loopback unless QA_AUTH/QA_AUTH_FILE set a login",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="every library's INFO log lines too")
    args = parser.parse_args()
    try:
        logins = credentials(os.environ)
        check_exposure(args.host, logins, args.read_only)
    except ValueError as err:
        parser.exit(2, f"error: {err}\n")
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("qa").setLevel(logging.INFO)  # our own start-up lines; third-party INFO only with --verbose
    settings = Settings.from_env()
    ensure_index(settings)
    build_demo(QA.load(settings), settings, read_only=args.read_only).queue(default_concurrency_limit=4).launch(
        server_name=args.host,
        server_port=args.port,
        auth=logins or None,
        auth_message="News QA: log in to ask questions and add articles.",
    )


if __name__ == "__main__":
    main()
