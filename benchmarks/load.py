"""Load test: N concurrent clients x M questions through the HTTP API (/ask) on loopback.

    python -m benchmarks.load [--url http://127.0.0.1:7860/] [--clients 16] [--questions 50]

Without --url it starts `python app.py` on a free loopback port and stops it afterwards. Prints errors,
p50/p95 latency and throughput. Bounded: clients x questions requests, then it stops.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from qa.evaluation.bench import QUESTIONS
from qa.evaluation.metrics import percentile

ROOT = Path(__file__).resolve().parent.parent


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(360):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("app.py did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args()
    from gradio_client import Client

    proc, url = (None, args.url) if args.url else start_server()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client_loop(n: int) -> None:
        client = Client(url, verbose=False)
        for i in range(args.questions):
            question = QUESTIONS[(n + i) % len(QUESTIONS)]
            began = time.perf_counter()
            try:
                result = client.predict(question, api_name="/ask")
                ok = isinstance(result, dict) and "sources" in result
            except Exception as err:  # any failure counts as an error in the report
                ok, result = False, repr(err)
            with lock:
                latencies.append(time.perf_counter() - began)
                if not ok:
                    errors.append(str(result)[:200])

    began = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=30)
    report = {
        "clients": args.clients,
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": 1000 * percentile(latencies, 0.5),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "throughput_qps": len(latencies) / wall,
        "wall_s": wall,
    }
    print(json.dumps(report, indent=2))
    for e in errors[:5]:
        print("error:", e)


if __name__ == "__main__":
    main()
