"""Write BEIR SciFact's 5,183 abstracts as a folder of .txt articles, the larger corpus for `python -m qa bench`.

    python -m benchmarks.scifact_articles /tmp/scifact-txt && python -m qa bench --corpus /tmp/scifact-txt

The corpus stays outside the repository (SciFact is non-commercial); this only reshapes it for a timing run.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/public/beir-scifact/corpus.jsonl"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    count = 0
    with args.data.open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            name = re.sub(r"[^A-Za-z0-9_-]", "_", str(doc["_id"]))[:60] + ".txt"
            body = f"{doc.get('title') or 'Untitled'}\n\n{doc['text']}\n"
            (args.out / name).write_text(body, encoding="utf-8")
            count += 1
    print(f"wrote {count} articles to {args.out}")


if __name__ == "__main__":
    main()
