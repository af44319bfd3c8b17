"""A disk that fills up in the middle of an import leaves the dataset as it was, says why in Thai
and English, and the same import works once there is room again: on SQLite (the data directory on
a small file system) and on PostgreSQL (the database in a tablespace on one). Needs root, to mount
the small file systems (tmpfs)."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import Server, psql, run_cli

FULL_EN = "The server's storage is full, so this could not be done; no data was changed. Please tell the system administrator."

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")


class SmallDisk:
    """A tmpfs of `mb` megabytes at a new directory, owned by `owner`."""

    def __init__(self, mb, owner=None):
        self.path = tempfile.mkdtemp(prefix="mueang-small-disk-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m,mode=0755", "tmpfs", self.path], check=True)
        if owner:
            shutil.chown(self.path, owner, owner)

    def grow(self, mb):
        subprocess.run(["mount", "-o", f"remount,size={mb}m", self.path], check=True)

    def remove(self):
        subprocess.run(["umount", "-l", self.path], check=False)
        shutil.rmtree(self.path, ignore_errors=True)


def people_csv(path, rows, start=0):
    with open(path, "w", encoding="utf-8") as f:
        f.write("code,name,age\n")
        for i in range(start, start + rows):
            f.write(f"c{i},ชื่อทดสอบ นามสกุลยาวพอสมควร {i},{i % 100}\n")


def setup_town(data_dir, env):
    run_cli("tenant", "create", "--slug", "fulltown", "--name-th", "เทศบาลดิสก์เต็ม", "--name-en", "Full Town",
            "--lat", "14.4", "--lon", "102.8", "--data-dir", data_dir, env=env)
    run_cli("user", "create", "--tenant", "fulltown", "--username", "admin", "--role", "admin",
            "--password", "full-disk-1", "--data-dir", data_dir, env=env)
    token = run_cli("token", "create", "--tenant", "fulltown", "--user", "admin", "--data-dir", data_dir, env=env).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def make_people(server, auth):
    base = server.base + "/api/v1/t/fulltown/datasets"
    created = requests.post(base, headers=auth, json={
        "slug": "people", "title": {"th": "ประชากร", "en": "People"},
        "fields": [{"key": "code", "type": "text", "unique": True}, {"key": "name", "type": "text"}, {"key": "age", "type": "integer"}]})
    assert created.status_code == 201, created.text
    kept = requests.post(base + "/people/records", headers=auth, json={"code": "keep-1", "name": "มีอยู่ก่อน", "age": 70})
    assert kept.status_code == 201, kept.text
    return base + "/people", kept.json()


def import_file(dataset, auth, path):
    with open(path, "rb") as f:
        return requests.post(dataset + "/import?mode=valid_rows", headers={**auth, "Content-Type": "text/csv"}, data=f, timeout=300)


def finished_job(server, auth, job):
    deadline = time.time() + 300
    while time.time() < deadline:
        state = requests.get(f"{server.base}/api/v1/t/fulltown/jobs/{job}", headers=auth).json()
        if state["status"] != "running":
            return state
        time.sleep(0.2)
    server.log.flush()
    raise AssertionError("the import job never ended; the server's log ends:\n" + open(server.log.name).read()[-4000:])


def only_the_kept_record(dataset, auth, kept):
    listed = requests.get(dataset + "/records?limit=5", headers=auth)
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"items": [kept], "total": 1}


def assert_import_fails_then_works(server, auth, dataset, kept, disk, big):
    person = requests.Session()                  # signed in while there is room for the session
    person.get(server.base + "/t/fulltown/login")
    person.post(server.base + "/t/fulltown/login", data={"username": "admin", "password": "full-disk-1", "_csrf": person.cookies["mueang_csrf"]})
    started = import_file(dataset, auth, big)
    assert started.status_code == 202, started.text
    state = finished_job(server, auth, started.json()["job"])
    assert state["status"] == "failed", state
    assert state["error"]["en"] == FULL_EN and "พื้นที่จัดเก็บข้อมูลของเซิร์ฟเวอร์เต็ม" in state["error"]["th"], state
    assert 0 < state["progress"] < 1, state          # where it stopped, not a full bar
    only_the_kept_record(dataset, auth, kept)
    # The person who started it reads the same on the job's page.
    page = person.get(f"{server.base}/t/fulltown/jobs/{state['id']}")
    assert page.status_code == 200 and 'id="job-error"' in page.text, page.text[-500:]
    assert "พื้นที่จัดเก็บข้อมูลของเซิร์ฟเวอร์เต็ม" in page.text and "ล้มเหลว" in page.text
    assert requests.get(server.base + "/healthz").status_code == 200

    # With room again, the same file imports whole.
    disk.grow(512)
    again = import_file(dataset, auth, big)
    assert again.status_code in (200, 202), again.text
    result = again.json() if again.status_code == 200 else finished_job(server, auth, again.json()["job"])["result"]
    assert result["imported"] > 0 and result["rejected"] == [], result
    listed = requests.get(dataset + "/records?limit=1", headers=auth).json()
    assert listed["total"] == 1 + result["imported"]


def test_sqlite_disk_full_during_import():
    disk = SmallDisk(48)
    work_dir = tempfile.mkdtemp(prefix="mueang-full-")
    data_dir = os.path.join(disk.path, "var")
    try:
        auth = setup_town(data_dir, {})
        server = Server(["serve"], data_dir, log_dir=work_dir)
        try:
            dataset, kept = make_people(server, auth)
            big = os.path.join(work_dir, "big.csv")
            people_csv(big, 150_000)                 # 15 MB; its records take far more than the 33 MB left
            assert_import_fails_then_works(server, auth, dataset, kept, disk, big)
            assert os.listdir(os.path.join(data_dir, "uploads")) == []
        finally:
            server.stop()
    finally:
        disk.remove()
        shutil.rmtree(work_dir, ignore_errors=True)


def test_sqlite_disk_full_answers_507_and_writes_nothing():
    """A small import answered at once, and every export, on a disk with no room left: 507 in
    both languages. The server's log is on the same disk, as `mueang serve 2>> var/log` puts it."""
    disk = SmallDisk(24)
    work_dir = tempfile.mkdtemp(prefix="mueang-full-")
    data_dir = os.path.join(disk.path, "var")
    try:
        auth = setup_town(data_dir, {})
        server = Server(["serve"], data_dir)
        try:
            dataset, kept = make_people(server, auth)
            small = os.path.join(work_dir, "small.csv")
            people_csv(small, 3000)
            free = shutil.disk_usage(disk.path).free
            with open(os.path.join(disk.path, "filler"), "wb") as f:
                f.write(b"\0" * (free - 700 * 1024))     # room for the upload, not for its records
            refused = import_file(dataset, auth, small)
            assert refused.status_code == 507, refused.text
            assert refused.json() == {"error": {"th": refused.json()["error"]["th"], "en": FULL_EN}}
            only_the_kept_record(dataset, auth, kept)
            with open(os.path.join(disk.path, "filler-2"), "wb") as f:
                f.write(b"\0" * shutil.disk_usage(disk.path).free)   # not a byte left
            for fmt in ("csv", "xlsx", "geojson", "json"):
                export = requests.get(dataset + f"/export?format={fmt}", headers=auth)
                assert export.status_code == 507 and export.json()["error"]["en"] == FULL_EN, (fmt, export.text)
            assert os.listdir(os.path.join(data_dir, "exports")) == []
            os.remove(os.path.join(disk.path, "filler-2"))
            os.remove(os.path.join(disk.path, "filler"))
            done = import_file(dataset, auth, small)
            assert done.status_code == 200 and done.json()["imported"] == 3000, done.text
            export = requests.get(dataset + "/export?format=json", headers=auth)
            assert export.status_code == 200 and len(export.json()["items"]) == 3001
        finally:
            server.stop()
    finally:
        disk.remove()
        shutil.rmtree(work_dir, ignore_errors=True)


def test_postgresql_disk_full_during_import(postgres_database):
    disk = SmallDisk(40, owner="postgres")
    work_dir = tempfile.mkdtemp(prefix="mueang-full-")
    tablespace = f"small_{os.getpid()}"
    psql(f"CREATE TABLESPACE {tablespace} LOCATION '{disk.path}'")
    env = {"DATABASE_URL": postgres_database(f"TABLESPACE {tablespace}")}
    try:
        auth = setup_town(work_dir, env)
        server = Server(["serve"], work_dir, env=env)
        try:
            dataset, kept = make_people(server, auth)
            big = os.path.join(work_dir, "big.csv")
            people_csv(big, 150_000)
            assert_import_fails_then_works(server, auth, dataset, kept, disk, big)
        finally:
            server.stop()
    finally:
        try:
            psql(f"DROP DATABASE IF EXISTS {env['DATABASE_URL'].rsplit('/', 1)[1]} WITH (FORCE)")
            psql(f"DROP TABLESPACE IF EXISTS {tablespace}")
        finally:
            disk.remove()
            shutil.rmtree(work_dir, ignore_errors=True)
