"""varnishd with deploy/varnish/ballard.vcl in front of a local app, for the tests
(tests/test_shared_cache.py) and the bench (tests/bench/varnish.py): one command line,
the storages the VCL names, and Varnish's own counters."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import time
from pathlib import Path

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHSTAT = shutil.which("varnishstat") or "/usr/bin/varnishstat"
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "ballard.vcl"


def answers(port: int) -> bool:
    """Does anything answer HTTP on the port (Varnish itself, whatever the app does)?"""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


class Varnish:
    """varnishd in the foreground, as a child, on `port` with its own work dir: the main
    storage and the search storage the VCL puts answers to URLs with a query in (sizes in
    MB); `healthy_grace` replaces the VCL's 30 s cap on stale copies while the app is well."""

    def __init__(
        self,
        backend_port: int,
        workdir: Path,
        port: int,
        main_mb: int = 64,
        search_mb: int = 8,
        prefix: tuple[str, ...] = (),
        healthy_grace: str | None = None,
    ):
        self.port = port
        self.name = str(workdir / "varnish")
        workdir.mkdir(parents=True, exist_ok=True)
        workdir.chmod(0o755)  # varnishd's own user reads the VCL and its work dir
        vcl = workdir / "ballard.vcl"
        text = VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";')
        if healthy_grace is not None:  # tests: the stale-while-revalidate cap, shortened
            assert "set req.grace = 30s;" in text
            text = text.replace("set req.grace = 30s;", f"set req.grace = {healthy_grace};")
        vcl.write_text(text)
        self._log_path = workdir / "varnishd.log"
        self.log = self._log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                *prefix,
                VARNISHD,
                "-F",
                "-n",
                self.name,
                "-a",
                f"127.0.0.1:{port}",
                "-T",
                "none",
                "-j",
                "none",
                "-f",
                str(vcl),
                "-s",
                f"pages=malloc,{main_mb}m",
                "-s",
                f"search=malloc,{search_mb}m",
                "-p",
                "http_gzip_support=off",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError(self._log_path.read_text())
            if answers(port):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("varnishd did not start")

    def counters(self) -> dict[str, int]:
        """Every counter varnishstat has ("MAIN.cache_hit", "SMA.search.c_bytes", ...)."""
        out = subprocess.run(
            [VARNISHSTAT, "-n", self.name, "-1", "-j"], capture_output=True, text=True, check=True
        ).stdout
        data = json.loads(out)
        data = data.get("counters", data)
        return {k: int(v["value"]) for k, v in data.items() if isinstance(v, dict) and "value" in v}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> Varnish:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
