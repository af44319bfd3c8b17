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


def environment(env):
    """The tests' environment: SQLite unless `env` names a DATABASE_URL itself."""
    full_env = dict(os.environ)
    full_env.pop("DATABASE_URL", None)
    full_env.update(env or {})
    return full_env


class Server:
    def __init__(self, args, data_dir, env=None, log_dir=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log = open(os.path.join(log_dir or data_dir, "server.log"), "w+")
        self.out = open(os.path.join(log_dir or data_dir, "stdout.log"), "w+")
        full_env = environment(env)
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
    result = subprocess.run([BIN, *args], capture_output=True, text=True, env=environment(env), timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"mueang {' '.join(args)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


PSQL = "/usr/lib/postgresql/15/bin/psql"


def psql(sql):
    """Runs SQL as the superuser of the throw-away cluster that scripts/test.sh started."""
    subprocess.run([PSQL, os.environ["PG_URL"], "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, timeout=60)


@pytest.fixture
def postgres_database():
    """A new, empty database in the throw-away cluster; yields a function that creates it (with
    optional `CREATE DATABASE` options) and returns its URL. Without the cluster (PG_URL unset)
    the test is skipped, unless MUEANG_REQUIRE_POSTGRES says the run must have PostgreSQL."""
    if not os.environ.get("PG_URL"):
        if os.environ.get("MUEANG_REQUIRE_POSTGRES") == "1":
            pytest.fail("MUEANG_REQUIRE_POSTGRES=1 but PG_URL is not set")
        pytest.skip("no PostgreSQL cluster (PG_URL); scripts/test.sh starts one")
    made = []

    def create(options=""):
        name = f"e2e_{os.getpid()}_{len(made)}_{int(time.time() * 1000) % 1000000}"
        psql(f"CREATE DATABASE {name} {options}")
        made.append(name)
        return os.environ["PG_URL"].rsplit("/", 1)[0] + "/" + name

    yield create
    for name in made:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
