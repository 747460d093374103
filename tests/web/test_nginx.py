# SPDX-License-Identifier: Apache-2.0
"""docs/nginx/shailoo.conf, the reverse-proxy configuration of docs/operations.md, run by Debian's nginx in front of
the platform: it passes `nginx -t`, serves TLS, refuses an oversized body with 413 before the platform reads it,
and hands the platform the address it saw, so a client forging X-Forwarded-For does not lift the rate limit."""
import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

CONF = Path(__file__).resolve().parents[2] / "docs" / "nginx" / "shailoo.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _site(upstream: str, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    text = CONF.read_text()
    text = text.replace("server 127.0.0.1:8000;", f"server {upstream};")
    text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)  # IPv4 only here
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = text.replace("/etc/ssl/shailoo/fullchain.pem", str(cert)).replace("/etc/ssl/shailoo/privkey.pem", str(key))
    assert str(cert) in text and f"server {upstream};" in text
    return text


@pytest.fixture
def nginx(live_server, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    http_port, https_port = _free_port(), _free_port()
    (tmp_path / "site.conf").write_text(
        _site(live_server.url.removeprefix("http://"), http_port, https_port, cert, key))
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/site.conf;
}}
""")
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0 and "test is successful" in checked.stderr, checked.stderr
    server = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off; master_process off;"],
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "nginx did not start listening"
            time.sleep(0.05)
    try:
        yield {"http": f"http://127.0.0.1:{http_port}", "https": f"https://127.0.0.1:{https_port}", "cert": str(cert)}
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_documented_nginx_configuration_in_front_of_the_platform(nginx, settings):
    settings.LOOKUP_PROXY_HOPS = 1
    settings.LOOKUP_RATE_LIMITS = {**settings.LOOKUP_RATE_LIMITS, "ip": "2/60"}
    # Plain HTTP is redirected to HTTPS.
    redirect = requests.get(f"{nginx['http']}/check/", allow_redirects=False, timeout=10)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    page = requests.get(f"{nginx['https']}/check/", verify=nginx["cert"], timeout=10)
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers

    # The body cap: 100 KB to the public check is refused by nginx itself.
    big = requests.post(f"{nginx['https']}/check/", data={"pin": "1" * 100_000}, verify=nginx["cert"], timeout=10)
    assert big.status_code == 413 and "nginx" in big.text

    # Forged X-Forwarded-For headers, a new one each time, do not make new clients: the third is refused.
    answers = [
        requests.post(f"{nginx['https']}/api/v1/lookup", data=json.dumps({"pin": "21705199000001"}),
                      headers={"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{number}"},
                      verify=nginx["cert"], timeout=10).status_code
        for number in range(3)
    ]
    assert answers == [200, 200, 429]
