"""The worker beside `serve --workers N` is started again when it ends, and not after stop()."""

from __future__ import annotations

import sys
import time

from challenge.platform.processes import KeptRunning


def _until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_process_that_ends_is_started_again_until_stopped(tmp_path):
    marker = tmp_path / "starts"
    code = f"open({str(marker)!r}, 'a').write('x')"
    kept = KeptRunning([sys.executable, "-c", code], restart_delay=0.01).start()
    try:
        assert _until(lambda: marker.exists() and len(marker.read_text()) >= 3)
    finally:
        kept.stop(timeout=5)
    assert kept.starts >= 3
    assert not kept._watcher.is_alive()  # stopped: nothing starts it again
    assert len(marker.read_text()) <= kept.starts  # the last one may have been ended first


def test_stop_ends_a_running_process(tmp_path):
    kept = KeptRunning([sys.executable, "-c", "import time; time.sleep(60)"]).start()
    process = kept._process
    kept.stop(timeout=5)
    assert process.poll() is not None and kept.starts == 1
