"""Start the web chat on the bundled articles: build the index if it is missing or stale, then serve (qa.web.serve;
`qa serve DIR` does the same for any folder)."""

from __future__ import annotations

import argparse
import os

from qa import Settings
from qa.web import serve, serve_arguments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    serve_arguments(parser, os.environ)
    serve(parser.parse_args(), Settings.from_env(), parser)


if __name__ == "__main__":
    main()
