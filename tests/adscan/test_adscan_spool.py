"""The workers' spool (``pipeline._Spool``): results handed over in files without a
name, so that a killed run leaves no contact details on disk."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bovenwater.adscan import pipeline
from bovenwater.adscan import run as run_module
from bovenwater.adscan.generate import generate
from bovenwater.adscan.model import Ad
from bovenwater.adscan.run import run


def _ads(n: int, seed: int) -> list[Ad]:
    return [
        Ad(r["id"], r["title"], r["body"], r.get("city"), r.get("posted_at"))
        for r in generate(n, seed=seed, hard=True)
    ]


def _written(ads: list[Ad], workers: int) -> bytes:
    out = io.BytesIO()
    run(list(ads), out, workers=workers)
    return out.getvalue()


@pytest.mark.parametrize("way", ["memfd", "unnamed temporary file", "pipe"])
def test_every_way_of_handing_over_gives_the_same_output(
    way: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(run_module, "SKETCH_CHUNK", 300)  # worker processes at 900 ads
    if way == "memfd" and not hasattr(os, "memfd_create"):
        pytest.skip("no memfd_create on this platform")
    monkeypatch.setattr(pipeline, "MEMFD", way == "memfd")
    if way == "pipe":
        monkeypatch.setattr(pipeline._Spool, "available", staticmethod(lambda: False))
    # the temporary files (if any) would be made here: nothing may remain
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spooled: list[int] = []
    take = pipeline._Spool.take

    def counted(self: pipeline._Spool, got: object) -> object:
        if isinstance(got, int):
            spooled.append(got)
        return take(self, got)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline._Spool, "take", counted)
    ads = _ads(900, seed=5)
    assert _written(ads, workers=2) == _written(ads, workers=1)
    assert list(tmp_path.iterdir()) == []
    assert (len(spooled) > 0) == (way != "pipe")  # the way under test was taken


# Two pool workers; the one with the second range is slow, so the other one finishes
# more ranges than the spool's socket holds unread (made small here) while this
# process waits for the slow range. Run in a child process, so that a deadlock fails the test.
_SEVERAL_WORKERS = """
import io, socket, sys, time
from bovenwater.adscan import pipeline, run
from bovenwater.adscan.generate import generate
from bovenwater.adscan.model import Ad

run.SKETCH_CHUNK = 100
pipeline.RANGE = 20
pipeline.MIDDLE_RANGE = 20
quick = pipeline._sketch_chunk_quiet

def slow_second_range(ads):
    if ads and ads[0].id == SECOND:
        time.sleep(2)
    return quick(ads)

made = pipeline._Spool.__init__

def small_socket(self):
    made(self)  # room for only a few descriptors in flight (the kernel's minimum)
    self.sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)

pipeline._Spool.__init__ = small_socket
ads = [Ad(r["id"], r["title"], r["body"], r.get("city"), r.get("posted_at"))
       for r in generate(1500, seed=8, hard=True)]
SECOND = ads[pipeline._ranges(min(100, pipeline.WARM_UP), len(ads), 3, 100)[1][0]].id
pipeline._sketch_chunk_quiet = slow_second_range
several, one = io.BytesIO(), io.BytesIO()
run.run(list(ads), several, workers=3)
run.run(list(ads), one, workers=1)
print("same" if several.getvalue() == one.getvalue() else "different")
"""


def test_several_workers_hand_over_through_one_spool() -> None:
    env = {**os.environ, "BOVENWATER_WEBSCAN_PURE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _SEVERAL_WORKERS],
        env=env,
        capture_output=True,
        timeout=300,  # a guard against a deadlock, not a measurement
        check=False,
    )
    assert done.stdout == b"same\n", done.stderr.decode()


# Runs the command's whole-file run in a child process; the parent stops (sleeps) right
# after its first worker result is ready, while the worker has spooled more ranges.
_KILLED_RUN = """
import concurrent.futures, sys, threading, time
from pathlib import Path
from bovenwater.adscan import run

run.SKETCH_CHUNK = 300
result = concurrent.futures.Future.result

def result_then_stop(self, timeout=None):
    got = result(self, timeout)
    if threading.current_thread() is threading.main_thread():
        print("spooled", flush=True)
        time.sleep(600)
    return got

concurrent.futures.Future.result = result_then_stop
with open(sys.argv[2], "wb") as out:
    run.run_jsonl(Path(sys.argv[1]), out, workers=2)
print("finished", flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_a_killed_run_leaves_no_spool_file(tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    with ads.open("w", encoding="utf-8") as handle:
        for record in generate(3000, seed=3, hard=True):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    env = {**os.environ, "TMPDIR": str(spool_dir), "BOVENWATER_WEBSCAN_PURE": "1"}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN, str(ads), str(tmp_path / "out.jsonl")],
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert child.stdout is not None
        # the parent holds a worker's finished range; more are spooled meanwhile
        assert child.stdout.readline() == b"spooled\n"
    finally:
        os.killpg(child.pid, signal.SIGKILL)  # the parent and its workers
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert [path.name for path in spool_dir.iterdir()] == []
