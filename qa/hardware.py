"""What this CPU can do fast: decides the default arithmetic of the reader and the embedder."""

from __future__ import annotations

from pathlib import Path

PRECISIONS = ("auto", "fp32", "bf16", "int8")


def cpu_has_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU does bf16 arithmetic natively (AVX-512 BF16 or AMX); elsewhere bf16 is emulated and slow."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    flags = set(cpuinfo.split())
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def resolve_precision(precision: str, cpuinfo: str | None = None) -> str:
    """'auto' -> bf16 where the CPU has native bf16 (same SQuAD F1 as fp32, about half the time), else fp32."""
    if precision not in PRECISIONS:
        raise ValueError(f"reader precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if precision != "auto":
        return precision
    return "bf16" if cpu_has_bf16(cpuinfo) else "fp32"


def cpu_count() -> int:
    """Cores this process may run on (a container's affinity, not the host's core count)."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
