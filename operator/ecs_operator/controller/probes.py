"""The health server: /startupz, /readyz and /healthz (liveness), each 200 or 503 with the reason,
from controller/heartbeat.py. Started before the initial listing, so the startupProbe is answered
(503) while a large cluster lists."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web

from ecs_operator.controller.heartbeat import Heartbeat

Liveness = Callable[[float], str | None]


async def serve(port: int, heartbeat: Heartbeat, liveness: Liveness) -> web.AppRunner:
    def answer(ok: bool, why: str) -> web.Response:
        return web.Response(status=200 if ok else 503, text="ok\n" if ok else why + "\n")

    async def startupz(_: web.Request) -> web.Response:
        return answer(heartbeat.started(), "listing the cluster")

    async def readyz(_: web.Request) -> web.Response:
        why = "listing the cluster" if not heartbeat.primed else "first reconcile pass not done"
        return answer(heartbeat.ready(), why)

    async def healthz(_: web.Request) -> web.Response:
        why = liveness(time.monotonic())
        return answer(why is None, why or "")

    app = web.Application()
    app.router.add_get("/startupz", startupz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()
    return runner
