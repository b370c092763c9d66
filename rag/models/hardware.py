"""What this machine's CPU can do, read from Linux (``/proc/cpuinfo``, ``/sys``): the cores to run on, and the
instructions the fast paths need. Elsewhere every answer is the cautious one (no flags, every logical CPU)."""

from __future__ import annotations

import os
from functools import lru_cache

# The llama.cpp features that decide its speed here: what its build reports -> the CPU flag they need.
LLAMA_FEATURES = {"AVX512": "avx512f", "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16"}


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            return frozenset(next((line for line in cpuinfo if line.startswith("flags")), "").split())
    except OSError:
        return frozenset()


def native_bfloat16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (Intel AMX or AVX512-BF16). Elsewhere bfloat16 is emulated
    and slower than float32, so the embedder's ``precision="auto"`` only picks it here."""
    return bool({"amx_bf16", "avx512_bf16"} & cpu_flags())


def physical_cores() -> int:
    """Cores this process may run on, counting a hyper-threaded pair once: llama.cpp's matrix work gains nothing
    from a core's second thread and loses to its contention (on 2 cores, 2 threads read prompts 1.9x as fast as 1)."""
    try:
        allowed = os.sched_getaffinity(0)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
    cores = set()
    for cpu in allowed:
        topology = f"/sys/devices/system/cpu/cpu{cpu}/topology"
        try:
            with open(f"{topology}/physical_package_id") as package, open(f"{topology}/core_id") as core:
                cores.add((package.read().strip(), core.read().strip()))
        except OSError:
            cores.add(("cpu", str(cpu)))
    return max(1, len(cores))


def llama_build_features(system_info: str) -> set[str]:
    """The ``LLAMA_FEATURES`` a llama.cpp build was compiled with, from its ``get_system_info()`` text
    ("… AVX2 = 1 | AVX512 = 1 | …")."""
    return {name for name in LLAMA_FEATURES if f" {name} = 1 " in f" {system_info} "}


def llama_speed_note(system_info: str) -> str | None:
    """A line for the user when this CPU has instructions the installed llama.cpp was built without (the PyPI
    wheel targets AVX2): a build for this machine reads prompts ~1.5x as fast (docs/speed.md, Faster answers)."""
    missing = [name for name, flag in LLAMA_FEATURES.items()
               if flag in cpu_flags() and name not in llama_build_features(system_info)]
    if not missing:
        return None
    return (f"this CPU has {', '.join(missing)}, which the installed llama.cpp was built without: a build for this "
            "machine answers ~1.5x faster (see docs/speed.md, 'Faster answers')")


def llama_foreign_features(system_info: str) -> list[str]:
    """Features a llama.cpp build uses that this CPU lacks: such a build was made on another machine and would stop
    with an illegal instruction."""
    flags = cpu_flags()
    return [name for name in sorted(llama_build_features(system_info)) if flags and LLAMA_FEATURES[name] not in flags]


def speed_note() -> str | None:
    """A line for the user when the installed llama.cpp leaves this CPU's faster instructions unused."""
    import xllamacpp

    return llama_speed_note(xllamacpp.get_system_info())
