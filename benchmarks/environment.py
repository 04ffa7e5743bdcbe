"""Where a benchmark run happens: the pinned virtualenv, the child processes' environment, the CPU
pins, and the description of the machine and versions that every results file carries.

Numbers from a shared 2-core box only mean something next to the machine, the exact versions of
every compared library and the commit they measured; ``machine()`` collects all three so the
tables never travel without them.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["HERE", "REPO", "VENV", "WORK", "bench_env", "ensure_venv", "machine", "pin", "venv_python"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venv-bench"
WORK = HERE / ".work"
REQUIREMENTS = HERE / "requirements.txt"
LIBRARIES = (
    "bitget_async", "httpx", "httpcore", "aiohttp", "yarl", "anyio", "trio", "msgspec", "ccxt", "pybotters",
    "orjson", "uvloop", "matplotlib",
)


def venv_python() -> Path:
    return VENV / "bin" / "python"


def _stamp() -> str:
    h = hashlib.sha256(REQUIREMENTS.read_bytes())
    h.update((REPO / "pyproject.toml").read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def ensure_venv() -> None:
    """Create or refresh the benchmark virtualenv when the pins or pyproject changed."""
    stamp_file = VENV / ".stamp"
    if stamp_file.exists() and stamp_file.read_text() == _stamp():
        return
    print(f"== creating {VENV.relative_to(REPO)} (pinned peers from requirements.txt)", flush=True)
    if VENV.exists():
        shutil.rmtree(VENV)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", str(REPO), "-r", str(REQUIREMENTS)], check=True)
    stamp_file.write_text(_stamp())


def bench_env() -> dict[str, str]:
    """Child environment: compiled bytecode cached outside the tree, as an installed wheel has."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["PYTHONPATH"] = str(HERE)
    return env


def pin(cpu: int) -> list[str]:
    """``taskset`` prefix pinning a process to ``cpu`` (empty when one CPU or no taskset)."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu)]
    return []


def _commit() -> str:
    """The measured tree: commit id, with ``+dirty`` when it had uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"{head}+dirty" if dirty else head


def machine() -> dict[str, Any]:
    """CPU, interpreter, kernel, pinning, the commit and every compared library's version."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "kernel": platform.release(),
        "pinned": bool(pin(0)),
        "commit": _commit(),
        "versions": versions,
    }
