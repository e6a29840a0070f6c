"""What this CPU can do fast: decides the default arithmetic of the reader and the embedder."""

from __future__ import annotations

from pathlib import Path

PRECISIONS = ("auto", "onnx", "fp32", "bf16", "int8")
# The flags that decide which arithmetic is fast: printed with every timing (qa bench).
SPEED_FLAGS = frozenset(
    {"avx2", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni", "amx_bf16", "amx_int8", "amx_tile"}
)


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU does bf16 arithmetic natively (AVX-512 BF16 or AMX); elsewhere bf16 is emulated and slow."""
    return bool(cpu_flags(cpuinfo) & {"avx512_bf16", "amx_bf16"})


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The words of /proc/cpuinfo (its flags among them); empty where it cannot be read."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return set()
    return set(cpuinfo.split())


def resolve_precision(precision: str, cpuinfo: str | None = None) -> str:
    """'auto' -> torch in bf16 where the CPU has native bf16 (same SQuAD F1 as fp32, the fastest windows there),
    else the fp32 weights in ONNX Runtime ("onnx": torch's fp32 spans and scores, no slower than torch's fp32, and
    nothing of torch to import, which is most of a cold start)."""
    if precision not in PRECISIONS:
        raise ValueError(f"reader precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision != "auto":
        return precision
    return "bf16" if cpu_has_bf16(cpuinfo) else "onnx"


def one_shot_precision(precision: str) -> str:
    """The reader's arithmetic for a process that answers once (`qa ask`): 'auto' is ONNX Runtime on every CPU,
    whose start (about 1 s to load against 5 with torch) outweighs bf16's faster windows for one question."""
    return "onnx" if precision == "auto" else precision


def torch_precision(precision: str, cpuinfo: str | None = None) -> str:
    """The arithmetic a torch reader uses for `precision` ("onnx" asks for ONNX Runtime: the fastest torch path)."""
    resolved = resolve_precision(precision, cpuinfo)
    if resolved != "onnx":
        return resolved
    return "bf16" if cpu_has_bf16(cpuinfo) else "fp32"


def cpu_count() -> int:
    """Cores this process may run on (a container's affinity, not the host's core count)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
