"""The real app, started as a student starts it (``python app.py``) on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
APP_START_TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = APP_START_TIMEOUT) -> None:
    """Return once ``url`` answers 200; raise if the process exits first or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else "(its output went to a log)"
            raise RuntimeError(f"app.py exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"app.py did not answer on {url} within {timeout} s")


def run_app(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python app.py *args`` to its end (a command such as ``--prefetch`` or ``--list-cache``), output captured."""
    return subprocess.run(
        [sys.executable, "app.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


@dataclass(frozen=True)
class RunningApp:
    url: str
    process: subprocess.Popen


@contextmanager
def running_app(*flags: str, env: dict[str, str] | None = None, log: IO[str] | None = None) -> Iterator[RunningApp]:
    """``python app.py --host 127.0.0.1 --port <free> *flags`` (environment: ``env`` or this process's);
    yields once it answers, stops it on the way out. Its output goes to ``log``, or to a temporary file
    (never an unread pipe, whose full buffer would stall a long-lived app) quoted if it fails to start."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as own_log:
        output = log if log is not None else own_log
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), *flags],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env=env if env is not None else os.environ.copy(),
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            try:
                wait_until_up(url, process)
            except (RuntimeError, TimeoutError) as error:
                if log is None:
                    own_log.seek(0)
                    raise type(error)(f"{error}\n{own_log.read()[-6000:]}") from None
                raise
            yield RunningApp(url, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
