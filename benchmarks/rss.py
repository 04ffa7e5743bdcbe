"""Resident memory of this process: now (``VmRSS``) and its high-water mark (``VmHWM``).

Why not ``getrusage().ru_maxrss`` for the peak: on Linux it survives fork and exec, so a child
reports at least the peak of the process that started it (a 200 MB parent makes a 13 MB child
read 213 MB).  ``VmHWM`` belongs to the process's own address space, which exec starts afresh.
``ru_maxrss`` is the fallback only where ``/proc`` is missing.
"""

from __future__ import annotations

import resource

__all__ = ["peak_rss_mb", "rss_mb"]


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float:
    """Resident set size now, in MB."""
    now = _status_mb("VmRSS")
    if now is None:
        raise RuntimeError("no VmRSS in /proc/self/status")
    return now


def peak_rss_mb() -> float:
    """This process's own peak resident set size, in MB (not its parent's)."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
