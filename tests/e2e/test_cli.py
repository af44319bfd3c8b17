"""The command line against a running server: tokens, users, backup while serving, restore, serve."""
import re
import subprocess
import tempfile
import threading

import requests

from conftest import BIN, Server, run_cli


def test_every_subcommand_explains_itself():
    for args in [[], ["serve"], ["migrate"], ["demo"], ["tenant", "create"], ["user", "create"], ["token", "create"],
                 ["backup"], ["restore"], ["signtax", "assess"], ["epi", "tau"]]:
        out = run_cli(*args, "--help").stdout
        assert "USAGE" in out.upper() and len(out) > 80, args
    assert "--data-dir" in run_cli("user", "create", "--help").stdout


def test_token_create_prints_only_a_working_token(demo):
    result = run_cli("token", "create", "--tenant", "hatyai", "--user", "admin", "--data-dir", demo.data_dir)
    token = result.stdout.strip()
    assert re.fullmatch(r"mueang_[A-Za-z0-9_-]{40,}", token), result.stdout
    r = requests.get(demo.base + "/api/v1/t/hatyai/users", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["total"] >= 4
    denied = requests.get(demo.base + "/api/v1/t/nongki/users", headers={"Authorization": f"Bearer {token}"})
    assert denied.status_code == 403 and set(denied.json()["error"]) == {"th", "en"}


def test_user_create_then_sign_in(demo):
    run_cli("user", "create", "--tenant", "lahansai", "--username", "nurse1", "--role", "staff",
            "--password", "ward-round-7", "--division", "health", "--data-dir", demo.data_dir)
    s = requests.Session()
    s.get(demo.base + "/t/lahansai/login")
    r = s.post(demo.base + "/t/lahansai/login", data={"username": "nurse1", "password": "ward-round-7",
                                                      "_csrf": s.cookies["mueang_csrf"]}, allow_redirects=False)
    assert r.status_code == 303
    bad = run_cli("user", "create", "--tenant", "lahansai", "--username", "x", "--role", "king", "--password", "12345678",
                  "--data-dir", demo.data_dir, check=False)
    assert bad.returncode != 0 and "role" in bad.stderr


def test_production_without_secret_refuses_to_start():
    result = run_cli("migrate", "--data-dir", tempfile.mkdtemp(), env={"MUEANG_ENV": "production"}, check=False)
    assert result.returncode != 0
    assert "MUEANG_SECRET" in result.stderr and "ต้องตั้ง" in result.stderr


def test_backup_while_serving_restore_and_serve(demo):
    stop = threading.Event()

    def keep_writing():
        s = requests.Session()
        user, pw = demo.logins()[("hatyai", "admin")]
        s.get(demo.base + "/t/hatyai/login")
        s.post(demo.base + "/t/hatyai/login", data={"username": user, "password": pw, "_csrf": s.cookies["mueang_csrf"]})
        i = 0
        while not stop.is_set() and i < 200:
            s.post(demo.base + "/t/hatyai/villages", data={"kind": "community", "nameTH": f"ชุมชนสำรอง {i}", "nameEN": "",
                                                           "_csrf": s.cookies["mueang_csrf"]})
            i += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    out = tempfile.mktemp(suffix=".json")
    try:
        result = run_cli("backup", "--out", out, "--data-dir", demo.data_dir)
    finally:
        stop.set()
        writer.join()
    assert "backup written" in result.stdout

    target = tempfile.mkdtemp(prefix="mueang-restored-")
    assert "restored" in run_cli("restore", out, "--data-dir", target).stdout
    again = run_cli("restore", out, "--data-dir", target, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr

    restored = Server(["serve"], target)
    try:
        home = requests.get(restored.base + "/t/hatyai")
        assert home.status_code == 200 and "เทศบาลนครหาดใหญ่" in home.text
        user, pw = demo.logins()[("hatyai", "admin")]
        s = requests.Session()
        s.get(restored.base + "/t/hatyai/login")
        r = s.post(restored.base + "/t/hatyai/login", data={"username": user, "password": pw, "_csrf": s.cookies["mueang_csrf"]},
                   allow_redirects=False)
        assert r.status_code == 303
    finally:
        restored.stop()

    tenant_out = tempfile.mktemp(suffix=".json")
    run_cli("backup", "--out", tenant_out, "--tenant", "lahansai", "--data-dir", demo.data_dir)
    only = tempfile.mkdtemp()
    run_cli("restore", tenant_out, "--data-dir", only)
    assert run_cli("tenant", "list", "--data-dir", only).stdout.split()[0] == "lahansai"


def test_oversized_and_unknown_over_http(demo):
    big = requests.post(demo.base + "/t/nongki/divisions", data={"nameTH": "ก" * 400_000})
    assert big.status_code == 413
    assert 'lang="th"' in big.text
    assert requests.get(demo.base + "/t/atlantis").status_code == 404
    assert requests.get(demo.base + "/api/v1/t/atlantis", headers={"Accept": "application/json"}).json()["error"]["en"]
