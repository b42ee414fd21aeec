"""The processes the benchmark starts and stops itself: gunicorn as in production (2 sync workers here) and a
Celery worker on the benchmark's own queue. Each is stopped by its own process id, never by name."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .load import HOST

WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path):
        self.name = name
        self.log_path = log
        self._log = open(log, "ab")
        self.popen = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      cwd=Path(__file__).resolve().parent.parent, start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                # Our own process group only: gunicorn's or celery's children, started by us.
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_gunicorn(env: dict[str, str], log: Path) -> tuple[Process, int]:
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "opp_portal.wsgi:application", "--bind", f"{HOST}:{port}",
            "--workers", str(WORKERS), "--worker-class", "sync", "--timeout", "120", "--graceful-timeout", "10",
            "--backlog", "256"]
    server = Process("gunicorn", args, env, log)
    deadline = time.monotonic() + 60
    url = f"http://{HOST}:{port}/bench/constant"
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"gunicorn stopped while starting:\n{server.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer on {url} within 60 s:\n{server.tail()}")


def start_celery(env: dict[str, str], log: Path) -> Process:
    args = [sys.executable, "-m", "celery", "-A", "opp_portal", "worker", "--pool", "solo", "--queues", "opp-bench",
            "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = Process("celery", args, env, log)
    time.sleep(1)
    if not worker.alive():
        raise RuntimeError(f"the Celery worker stopped while starting:\n{worker.tail()}")
    return worker
