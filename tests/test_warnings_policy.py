"""Work lost unawaited fails the suite (issue 17, item 7): a coroutine never awaited (pyproject's filterwarnings make
its RuntimeWarning an error, caught however it surfaces) and a task whose exception nobody retrieved (asyncio only
logs that; conftest's ``no_task_lost_unawaited`` fails the test). Each is shown failing a small suite of its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

CLONE = Path(__file__).resolve().parent.parent

LEAKS = """
import asyncio
import gc


async def job():
    return 1


def test_drops_a_coroutine():
    job()  # made, never awaited
    gc.collect()


async def boom():
    raise RuntimeError("nobody looks")


def test_loses_a_task_exception():
    loop = asyncio.new_event_loop()
    task = loop.create_task(boom())
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    del task
    gc.collect()


def test_awaits_its_work():
    assert asyncio.run(job()) == 1
"""


def test_work_lost_unawaited_fails_the_tests_that_lose_it(tmp_path: Path) -> None:
    shutil.copy(CLONE / "tests" / "conftest.py", tmp_path / "conftest.py")
    shutil.copy(CLONE / "tests" / "bot_under_test.py", tmp_path / "bot_under_test.py")
    (tmp_path / "test_leaks.py").write_text(LEAKS)
    command = [sys.executable, "-m", "pytest", "-c", str(CLONE / "pyproject.toml"), "--rootdir", str(tmp_path)]
    run = subprocess.run(
        [*command, "-q", "-p", "no:cacheprovider", str(tmp_path / "test_leaks.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = run.stdout
    assert run.returncode == 1, out
    assert "FAILED test_leaks.py::test_drops_a_coroutine" in out and "coroutine object job" in out
    # found after the test's body, so reported as an error at its teardown: the run fails all the same
    assert "ERROR test_leaks.py::test_loses_a_task_exception" in out and "never retrieved" in out
    assert "1 failed, 2 passed, 1 error" in out
