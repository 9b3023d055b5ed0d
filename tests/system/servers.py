"""Real server processes for system tests: `voting serve` as a subprocess, on a free port.

A server is started from the installed console script (the same command an operator runs), with
the database chosen by VOTING_DATABASE_URL and VOTING_SQLALCHEMY_ENGINE_OPTIONS, and is always
killed and reaped by the caller's `finally` or fixture, so nothing outlives a test.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..helpers import Backend


def free_port() -> int:
    """Return a TCP port that was free a moment ago (bind to port 0 and let the kernel choose)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def voting_command() -> list[str]:
    """Return the `voting` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("voting.exe" if os.name == "nt" else "voting")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from voting.cli import main; sys.exit(main())"]


def server_env(backend: Backend) -> dict[str, str]:
    """Return the environment that points a server process at the backend's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTING_")}
    env["VOTING_DATABASE_URL"] = backend.url
    if backend.engine_options:
        env["VOTING_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(backend.engine_options)
    return env


@dataclass
class Server:
    """One `voting serve` process on 127.0.0.1:port; its output goes to a log file."""

    instance: Path
    backend: Backend
    port: int = field(default_factory=free_port)
    threads: int = 8
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.instance.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 30) -> Server:
        """Start the process (again, on the same port) and wait until /healthz answers."""
        assert self.process is None or self.process.poll() is not None, "server is still running"
        command = [*voting_command(), "--instance", str(self.instance), "serve", "--port", str(self.port)]
        command += ["--threads", str(self.threads)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, env=server_env(self.backend), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.starts += 1
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status, _ = get(self.port, "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server did not answer /healthz within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def kill(self) -> None:
        """SIGKILL the process, as a power cut or the OOM killer would, and reap it."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.reap()

    def stop(self) -> None:
        """Ask the process to stop (SIGTERM), then kill it if it lingers; always reap it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.reap()

    def reap(self) -> None:
        if self.process is not None:
            self.process.wait(timeout=30)


def get(port: int, path: str, timeout: float = 10) -> tuple[int, str]:
    """GET a path on 127.0.0.1:port; return status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def cast_form(selections: dict[int, list[str]]) -> bytes:
    """Encode a phone cast the way the confirmation page posts it."""
    from urllib.parse import urlencode

    pairs = [("contest", str(cid)) for cid in selections]
    pairs += [(f"c{cid}", mark) for cid, marks in selections.items() for mark in marks]
    return urlencode(pairs).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
