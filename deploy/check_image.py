"""Start the production topology from the built image and check that it works.

    .venv/bin/python deploy/check_image.py --database-url postgres://... --redis-url redis://...

Uses the image built from ``Containerfile`` (``--image``, default ``bovenwater``) with
``podman`` or ``docker`` on the host network, against an empty PostgreSQL database and
a Redis the caller provides (compose.yaml starts both itself; this script checks the
image where compose's other images cannot be fetched, see docs/deployment.md). It:

1. migrates the database and loads the reference data (the ``migrate`` service);
2. starts two ASGI containers (gunicorn with a uvicorn worker each, as the ``web``
   service's two replicas) and a task worker container (the ``worker`` service);
3. checks that both answer the health check and serve the home page and a collected,
   compressed static file; that a youth chat started through container A and a message
   posted through A reach a WebSocket held open on container B (the Redis channel
   layer across processes); and that the task worker runs a queued task;
4. removes every container, also when a check fails.

Prints one line per check and, as its last line, a JSON summary; exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

import websockets
from websockets.typing import Origin

from bovenwater.chat.pow import solve

SETUP = """
from datetime import time
from bovenwater.accounts import services as accounts
from bovenwater.accounts.roles import OrganisationKind
from bovenwater.chat.models import OpeningHours, Team
from bovenwater.reference.models import Municipality
org = accounts.organisation_create(name="Chatdienst (controle)", kind=OrganisationKind.NGO,
    municipality=Municipality.objects.get(code="GM0363"))
team = Team.objects.create(organisation=org, name="Controle", max_queue=50)
for day in range(7):
    OpeningHours.objects.create(team=team, weekday=day, opens=time(0), closes=time(0))
"""
QUEUED = """
from bovenwater.audit.tasks import chain_processing_log
print(chain_processing_log.enqueue().id)
"""
FINISHED = """
from bovenwater.audit.tasks import chain_processing_log
print(chain_processing_log.get_result(TASK_ID).status)
"""


class CheckFailed(Exception):
    pass


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Topology:
    def __init__(self, engine: str, image: str, env: dict[str, str]) -> None:
        self.engine, self.image, self.env = engine, image, env
        self.names: list[str] = []
        self.tag = secrets.token_hex(3)

    def _env_args(self, extra: dict[str, str] | None = None) -> list[str]:
        return [arg for k, v in {**self.env, **(extra or {})}.items() for arg in ("-e", f"{k}={v}")]

    def run(self, *command: str) -> str:
        """Run a one-off container (as compose's ``migrate`` service) and return stdout."""
        done = subprocess.run(  # noqa: S603 (our own arguments)
            [
                self.engine,
                "run",
                "--rm",
                "--network",
                "host",
                *self._env_args(),
                self.image,
                *list(command),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def start(self, name: str, *command: str, extra: dict[str, str] | None = None) -> None:
        full = f"bovenwater-check-{self.tag}-{name}"
        subprocess.run(  # noqa: S603
            [
                self.engine,
                "run",
                "-d",
                "--name",
                full,
                "--network",
                "host",
                *self._env_args(extra),
                self.image,
                *command,
            ],
            capture_output=True,
            check=True,
        )
        self.names.append(full)

    def logs(self) -> str:
        out = []
        for name in self.names:
            done = subprocess.run(  # noqa: S603
                [self.engine, "logs", name], capture_output=True, text=True, check=False
            )
            out.append(f"--- {name}\n{(done.stdout + done.stderr)[-1500:]}")
        return "\n".join(out)

    def remove(self) -> None:
        for name in self.names:
            subprocess.run(  # noqa: S603
                [self.engine, "rm", "-f", "-t", "5", name], capture_output=True, check=False
            )


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local URL)
        return response.status, response.read(), dict(response.headers)


def _wait_healthy(port: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body, _ = _get(f"http://127.0.0.1:{port}/gezondheid/")
            if status == 200 and json.loads(body) == {"status": "ok"}:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the container on port {port} did not become healthy")


def _post(port: int, path: str, data: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(data).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return dict(json.loads(response.read()))


async def _across(port_a: int, port_b: int, body: str) -> list[str]:
    _, raw, _ = await asyncio.to_thread(_get, f"http://127.0.0.1:{port_a}/chat/api/controle/")
    challenge = json.loads(raw)
    nonce = solve(challenge["challenge"], challenge["bits"])
    started = await asyncio.to_thread(
        _post, port_a, "/chat/api/start/", {"challenge": challenge["challenge"], "nonce": nonce}
    )
    token = str(started["token"])
    received: list[str] = []
    url = f"ws://127.0.0.1:{port_b}/ws/chat/"
    async with websockets.connect(url, origin=Origin(f"http://127.0.0.1:{port_b}")) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token, "after": 1}))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while (remaining := deadline - loop.time()) > 0:
            try:
                event = json.loads(await asyncio.wait_for(ws.recv(), timeout=remaining))
            except TimeoutError:
                break
            if event["type"] == "state" and not received:
                await asyncio.to_thread(
                    _post,
                    port_a,
                    "/chat/api/verstuur/",
                    {"token": token, "id": "check-1", "body": body},
                )
                received.append("")  # marks that the message was posted
            if event["type"] == "msg":
                received.append(str(event["body"]))
                if event["body"] == body:
                    break
    return [text for text in received if text]


def check(engine: str, image: str, database_url: str, redis_url: str) -> dict[str, Any]:
    base = redis_url.rstrip("/")
    env = {
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CHANNEL_LAYER_URL": f"{base}/1",
        "CHANNEL_LAYER_PREFIX": "bovenwater-check",
        "REDIS_URL": f"{base}/2",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "CHAT_POW_DIFFICULTY": "4",
        "WEB_CONCURRENCY": "1",
    }
    topology = Topology(engine, image, env)
    results: dict[str, Any] = {"image": image, "engine": engine}
    try:
        started = time.monotonic()
        topology.run("bovenwater", "manage", "migrate", "--noinput")
        topology.run("bovenwater", "manage", "createcachetable")
        topology.run("bovenwater", "manage", "load_reference_data")
        topology.run("bovenwater", "manage", "shell", "--no-imports", "-c", SETUP)
        results["migrate_seconds"] = round(time.monotonic() - started, 1)
        print(f"ok   migrate and reference data ({results['migrate_seconds']} s)")

        ports = [_free_port(), _free_port()]
        for name, port in zip(("web-a", "web-b"), ports, strict=True):
            topology.start(
                name,
                *("gunicorn", "-c", "python:bovenwater.gunicorn_conf"),
                *("bovenwater.asgi:application", "--worker-class"),
                *("uvicorn.workers.UvicornWorker", "--bind", f"127.0.0.1:{port}"),
            )
        topology.start(
            "worker",
            "bovenwater",
            "manage",
            "run_worker",
            "--queue-name",
            "default,audit,notifications",
        )
        for port in ports:
            _wait_healthy(port)
        print(f"ok   two ASGI containers healthy on ports {ports[0]} and {ports[1]}")

        status, body, _ = _get(f"http://127.0.0.1:{ports[0]}/")
        _require(status == 200 and b'lang="nl"' in body, "the home page")
        css = "/static/vendor/utrecht/component-library.css"
        status, body, headers = _get(f"http://127.0.0.1:{ports[1]}{css}")
        _require(status == 200 and len(body) > 10_000, "the collected static file")
        print(
            f"ok   home page and static files ({len(body):,} bytes of CSS, {headers.get('Cache-Control')})"
        )

        received = asyncio.run(_across(ports[0], ports[1], "via container A naar B"))
        _require(received == ["via container A naar B"], f"chat across containers: {received}")
        results["chat_across_containers"] = True
        print("ok   a chat message posted through container A reached a socket on container B")

        task_id = topology.run(
            "bovenwater", "manage", "shell", "--no-imports", "-c", QUEUED
        ).strip()
        deadline, state = time.monotonic() + 60, ""
        while time.monotonic() < deadline and state != "SUCCESSFUL":
            state = topology.run(
                "bovenwater",
                "manage",
                "shell",
                "--no-imports",
                "-c",
                FINISHED.replace("TASK_ID", repr(task_id)),
            ).strip()
            time.sleep(1)
        _require(state == "SUCCESSFUL", f"the task worker: task {task_id} is {state}")
        results["task_worker"] = True
        print("ok   the task worker ran a queued task")
        results["ok"] = True
    except (CheckFailed, RuntimeError, OSError, subprocess.CalledProcessError) as error:
        results["ok"] = False
        results["error"] = str(error)
        print(f"FAIL {error}\n{topology.logs()}", file=sys.stderr)
    finally:
        topology.remove()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="bovenwater")
    parser.add_argument("--engine", default=shutil.which("podman") or shutil.which("docker"))
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--redis-url", required=True, help="e.g. redis://127.0.0.1:6379")
    args = parser.parse_args(argv)
    if not args.engine:
        parser.error("neither podman nor docker was found")
    results = check(args.engine, args.image, args.database_url, args.redis_url)
    print(json.dumps(results))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
