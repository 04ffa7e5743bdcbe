"""The typing claims run under pytest too (msgspec's tests/typing): mypy --strict over
``tests/typing/``, where ``check_*.py`` assert types (``assert_type``, pinned ``type: ignore``)
and ``reveal_*.py`` pin what an editor shows (each ``reveal_type`` line ends with ``# R: <type>``).

One mypy run (the API, in process) in one test, so pytest-xdist never runs two at once on the
same cache.  The cache lives in the system temp folder, keyed by this checkout's path: the first
run is cold (~10-30 s on a loaded 2-core machine), later runs reuse it (a few seconds).  CI keeps
its own ``mypy --strict bitget_async examples tests/typing`` step.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

TYPING = Path(__file__).resolve().parent / "typing"
NOTE = re.compile(r'^(?P<file>[^:]+):(?P<line>\d+): note: Revealed type is "(?P<type>.*)"$')


def expected_reveals() -> dict[tuple[str, int], str]:
    expected = {}
    for path in sorted(TYPING.glob("reveal_*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.lstrip().startswith("reveal_type("):
                expected[(str(path), number)] = line.rsplit("# R: ", 1)[1]
    return expected


def test_typing_files_pass_mypy_strict_and_reveal_the_pinned_types() -> None:
    key = hashlib.sha256(str(TYPING).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"bitget-async-mypy-{key}"
    files = sorted(str(p) for p in TYPING.glob("*.py"))
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(cache), "--no-error-summary", "--show-absolute-path", *files]
    )
    assert stderr == ""
    assert [line for line in stdout.splitlines() if ": error:" in line] == []
    assert status == 0
    revealed = {
        (m["file"], int(m["line"])): m["type"] for m in map(NOTE.match, stdout.splitlines()) if m is not None
    }
    expected = expected_reveals()
    assert len(expected) == 7
    assert revealed == expected
