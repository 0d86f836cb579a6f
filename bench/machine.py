"""What a bench ran on, for the figures it prints: the date (UTC), the CPU model and count, the memory and
the load average. Speed figures are ratios against a baseline in the same run, but the ratios still
depend on the machine (a baseline using AVX-512 gains more than pure Python does)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def describe() -> str:
    model = "unknown CPU"
    memory = ""
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])  # MemTotal comes first
        memory = f", {kb / 2**20:.1f} GiB"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return f"{when}; {os.cpu_count()} CPUs ({model}){memory}; load average {load:.1f}"
