"""End-to-end fixtures: the real `mueang` binary serving the demo on a free loopback port."""
import os
import re
import socket
import subprocess
import tempfile
import time

import pytest
import requests

BIN = os.environ.get("MUEANG_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "mueang"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not become healthy")


class Server:
    def __init__(self, args, data_dir, env=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = open(os.path.join(data_dir, "server.log"), "w+")
        self.out = open(os.path.join(data_dir, "stdout.log"), "w+")
        full_env = dict(os.environ, **(env or {}))
        full_env.pop("DATABASE_URL", None)
        self.proc = subprocess.Popen([BIN, *args, "--data-dir", data_dir, "--port", str(self.port)],
                                     stdout=self.out, stderr=self.log, env=full_env)
        wait_healthy(self.base, self.proc)

    def logins(self):
        """role -> (tenant, username, password) as printed by `mueang demo`."""
        self.out.flush()
        text = open(self.out.name).read()
        found = {}
        for m in re.finditer(r"^\s+(\w+)\s+(\w+)\s+(\S+)\s+http://localhost:\d+/(?:t/(\w+)/)?login", text, re.M):
            role, user, pw, tenant = m.groups()
            found[(tenant, role)] = (user, pw)
        return found

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def demo():
    data_dir = tempfile.mkdtemp(prefix="mueang-e2e-")
    server = Server(["demo"], data_dir)
    yield server
    server.stop()


def run_cli(*args, env=None, check=True):
    full_env = dict(os.environ, **(env or {}))
    full_env.pop("DATABASE_URL", None)
    result = subprocess.run([BIN, *args], capture_output=True, text=True, env=full_env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"mueang {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result
