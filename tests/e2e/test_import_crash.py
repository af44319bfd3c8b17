"""A process killed in the middle of an import leaves the dataset exactly as it was, on both engines."""
import os
import signal
import tempfile
import time

import pytest
import requests

from conftest import Server, run_cli


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_env(request):
    """The environment of the server and the CLI: embedded SQLite, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return {}
    return {"DATABASE_URL": request.getfixturevalue("postgres_database")()}


def test_sigkill_during_import_leaves_dataset_unchanged(engine_env):
    data_dir = tempfile.mkdtemp(prefix="mueang-crash-")
    run_cli("tenant", "create", "--slug", "crashtown", "--name-th", "เทศบาลทดสอบ", "--name-en", "Crash Town",
            "--lat", "14.4", "--lon", "102.8", "--data-dir", data_dir, env=engine_env)
    run_cli("user", "create", "--tenant", "crashtown", "--username", "admin", "--role", "admin",
            "--password", "crash-test-1", "--data-dir", data_dir, env=engine_env)
    token = run_cli("token", "create", "--tenant", "crashtown", "--user", "admin", "--data-dir", data_dir, env=engine_env).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    server = Server(["serve"], data_dir, env=engine_env)
    base = server.base + "/api/v1/t/crashtown/datasets"
    try:
        created = requests.post(base, headers=auth, json={
            "slug": "people", "title": {"th": "ประชากร", "en": "People"},
            "fields": [{"key": "code", "type": "text", "unique": True}, {"key": "name", "type": "text"}, {"key": "age", "type": "integer"}]})
        assert created.status_code == 201, created.text
        before = requests.post(base + "/people/records", headers=auth, json={"code": "keep-1", "name": "มีอยู่ก่อน", "age": 70})
        assert before.status_code == 201

        path = os.path.join(data_dir, "big.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("code,name,age\n")
            for i in range(300_000):
                f.write(f"c{i},ชื่อทดสอบ {i},{i % 100}\n")
        with open(path, "rb") as f:
            started = requests.post(base + "/people/import?mode=valid_rows", headers={**auth, "Content-Type": "text/csv"}, data=f)
        assert started.status_code == 202, started.text
        job = started.json()["job"]
        deadline = time.time() + 120
        progress = 0.0
        while time.time() < deadline:
            state = requests.get(f"{server.base}/api/v1/t/crashtown/jobs/{job}", headers=auth).json()
            assert state.get("status") == "running", state   # too fast to interrupt would make this test meaningless
            progress = state["progress"]
            if progress >= 0.2:
                break
            time.sleep(0.05)
        assert progress >= 0.2
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
    finally:
        server.stop()

    again = Server(["serve"], data_dir, env=engine_env)
    base = again.base + "/api/v1/t/crashtown/datasets"
    try:
        records = requests.get(base + "/people/records?limit=10", headers=auth).json()
        assert records["total"] == 1
        assert records["items"][0]["values"]["code"] == "keep-1"
        state = requests.get(f"{again.base}/api/v1/t/crashtown/jobs/{job}", headers=auth).json()
        assert state["status"] == "failed"       # the interrupted job says so, rather than running forever
        assert state["error"]["en"] == "The import was interrupted; nothing was changed.", state
        # The dataset still takes a clean import of the same file afterwards.
        small = "code,name,age\nc1,หนึ่ง,1\nkeep-1,ซ้ำ,2\n"
        result = requests.post(base + "/people/import?mode=valid_rows", headers={**auth, "Content-Type": "text/csv"}, data=small.encode())
        assert result.status_code == 200 and result.json()["imported"] == 1 and len(result.json()["rejected"]) == 1
    finally:
        again.stop()
