#!/usr/bin/env python3
"""Client side of the city-database benchmark (loopback only).
  api.py wait BASE
  api.py dataset BASE TOKEN TENANT SLUG [unique] creates the 10-field dataset (with "unique": its code unique)
  api.py import BASE TOKEN TENANT SLUG FILE PID [QUERY]  POSTs the file (QUERY: default mode=valid_rows), polls the job;
                                                 prints seconds and the result
  api.py aggregate BASE TOKEN TENANT SLUG GROUP SUM RUNS   prints best ms, then the items as JSON
  api.py export BASE TOKEN TENANT SLUG FORMAT OUT   downloads the export to OUT; prints seconds, then its lines"""
import http.client, json, os, sys, time, urllib.parse

def conn(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=3600)

def call(c, method, path, token, body=None, ctype="application/json", length=None):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = ctype
        if length is not None: headers["Content-Length"] = str(length)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, data

cmd, base = sys.argv[1], sys.argv[2]
if cmd == "wait":
    for _ in range(3000):
        try:
            c = conn(base); c.request("GET", "/healthz"); c.getresponse().read(); sys.exit(0)
        except OSError:
            time.sleep(0.02)
    sys.exit("server did not start")

token, tenant, slug = sys.argv[3:6]
prefix = f"/api/v1/t/{tenant}/datasets"
c = conn(base)
if cmd == "dataset":
    fields = [{"key": "code", "type": "text"}, {"key": "owner", "type": "text"}, {"key": "community", "type": "text"},
              {"key": "category", "type": "text"}, {"key": "address", "type": "text"},
              {"key": "households", "type": "integer"}, {"key": "population", "type": "integer"},
              {"key": "income", "type": "decimal"}, {"key": "area_rai", "type": "decimal"}, {"key": "surveyed", "type": "date"}]
    if len(sys.argv) > 6 and sys.argv[6] == "unique": fields[0]["unique"] = True
    body = json.dumps({"slug": slug, "title": {"th": "ทะเบียนทดสอบ", "en": "Benchmark register"}, "fields": fields})
    status, data = call(c, "POST", prefix, token, body)
    if status not in (200, 201): sys.exit(f"dataset: {status} {data[:500]!r}")
elif cmd == "import":
    path, pid = sys.argv[6], sys.argv[7]
    query = sys.argv[8] if len(sys.argv) > 8 else "mode=valid_rows"
    size = os.path.getsize(path)
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        status, data = call(c, "POST", f"{prefix}/{slug}/import?{query}", token, f, "text/csv", size)
    if status == 202:
        job = json.loads(data)["job"]
        while True:
            time.sleep(0.05)
            status, data = call(c, "GET", f"/api/v1/t/{tenant}/jobs/{job}", token)
            j = json.loads(data)
            if j.get("status") != "running": break
        if j.get("status") != "done": sys.exit(f"import job: {data[:1000]!r}")
        result = j["result"]
    elif status == 200:
        result = json.loads(data)
    else:
        sys.exit(f"import: {status} {data[:1000]!r}")
    elapsed = time.perf_counter() - t0
    print(f"{elapsed:.3f}")
    print(json.dumps({"imported": result["imported"], "updated": result["updated"], "rejected": len(result["rejected"]),
                      "first_rejects": result["rejected"][:3]}, ensure_ascii=False))
elif cmd == "aggregate":
    group, total, runs = sys.argv[6], sys.argv[7], int(sys.argv[8])
    best, items = None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        status, data = call(c, "GET", f"{prefix}/{slug}/aggregate?group={group}&sum={total}", token)
        ms = (time.perf_counter() - t0) * 1000
        if status != 200: sys.exit(f"aggregate: {status} {data[:500]!r}")
        best = ms if best is None else min(best, ms)
        items = json.loads(data)["items"]
    print(f"{best:.1f}")
    print(json.dumps(items, ensure_ascii=False))
elif cmd == "export":
    fmt, out = sys.argv[6], sys.argv[7]
    t0 = time.perf_counter()
    c.request("GET", f"{prefix}/{slug}/export?format={fmt}", headers={"Authorization": f"Bearer {token}"})
    r = c.getresponse()
    if r.status != 200: sys.exit(f"export: {r.status} {r.read()[:500]!r}")
    lines = 0
    with open(out, "wb") as f:
        while chunk := r.read(1 << 20):
            lines += chunk.count(b"\n")
            f.write(chunk)
    print(f"{time.perf_counter() - t0:.3f}")
    print(lines)
