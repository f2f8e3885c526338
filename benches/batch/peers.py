"""Issue 23's Python peers, as their users fan out many GETs: caveclient's
configured session (requests, with caveclient's retry and pool settings and
the token header) shared by a ThreadPoolExecutor, and cloud-files' get with
num_threads. Prints the same "key value" lines as bench_batch.c.

    python peers.py caveclient|cloudfiles BASE N IN_FLIGHT MS [CA_FILE]

Run in a virtual environment holding caveclient and cloud-files
(benches/rules.mk makes one under build/bench); CA_FILE is the server's CA
for https (given to requests through REQUESTS_CA_BUNDLE).
"""

import json
import os
import resource
import sys
import time
import urllib.request
import ssl

TOKEN = "0123456789abcdef0123456789abcdef"


def server_connections(base, ca):
    ctx = ssl.create_default_context(cafile=ca) if ca else None
    with urllib.request.urlopen(base + "/fault/connections", context=ctx) as r:
        return json.load(r)["connections"]


def caveclient_session(base, urls, in_flight):
    from concurrent.futures import ThreadPoolExecutor

    import requests
    from caveclient.auth import AuthClient
    from caveclient.base import _patch_session

    auth = AuthClient(token=TOKEN, server_address=base)
    session = requests.Session()
    _patch_session(session)  # caveclient's retries and pool size
    session.headers.update(auth.request_header)

    def get(u):
        r = session.get(u)
        return r.status_code == 200

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        return sum(1 for ok in pool.map(get, urls) if not ok)


def cloudfiles_get(base, n, in_flight, ms):
    from cloudfiles import CloudFiles

    cf = CloudFiles(base + "/fault/", num_threads=in_flight, progress=False)
    paths = [f"stall?ms={ms}&i={i}" for i in range(n)]
    results = cf.get(paths, raw=True)
    return sum(1 for r in results if r["error"] is not None or r["content"] is None)


def main():
    which, base, n, in_flight, ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    ca = sys.argv[6] if len(sys.argv) > 6 else None
    if ca:
        os.environ["REQUESTS_CA_BUNDLE"] = ca
    urls = [f"{base}/fault/stall?ms={ms}&i={i}" for i in range(n)]
    before = server_connections(base, ca)
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    if which == "caveclient":
        failures = caveclient_session(base, urls, in_flight)
    else:
        failures = cloudfiles_get(base, n, in_flight, ms)
    seconds = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage.ru_utime + usage.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    after = server_connections(base, ca)
    print(f"failures {failures}\nrequests {n}\nseconds {seconds:.6f}\ncpu_us {int(cpu * 1e6)}")
    print(f"peak_rss_kib {usage.ru_maxrss}\nconnections {after - before - 1}")


if __name__ == "__main__":
    main()
