"""Plain list-then-watch streams for the busy kinds: pods and the children of Services.

kopf runs every watch event through a per-object worker task, cause detection and handler
invocation. While 1,000 Services converge, pods and children bring about 27,000 events, and that
machinery was half of the operator's busy time in the benchmark profile (bench/notes.md): time the
GIL took from the reconciles. These kinds only feed the store and the queue, so a stream as
client-go's reflector does it serves them: list in pages (the listing primes the store), then watch
from the listing's resourceVersion, and list again when the server no longer has that version.
Because the watch starts where the listing ended, nothing deleted in between is missed.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import kubernetes
import orjson

from ecs_operator.controller.kube import authorization
from ecs_operator.controller.resources import Resource

log = logging.getLogger(__name__)

# (event type: ADDED, MODIFIED or DELETED; the object, with apiVersion and kind)
EventHandler = Callable[[str, dict[str, Any]], None]
# After each complete listing: the metadata (namespace, name, resourceVersion) of every object in
# it and the listing's resourceVersion, so what the store holds beyond it can be dropped (objects
# deleted while the watch was down).
ListedHandler = Callable[[list[dict[str, Any]], str], None]

PAGE_SIZE = 500
WATCH_SECONDS = 300  # the server ends each watch after this; the stream resumes from its version
MAX_BACKOFF = 30.0


class Gone(Exception):
    """The server no longer has the resourceVersion asked for (HTTP 410): list again."""


class Connection:
    """One HTTP session to the API server, with the kubernetes client's credentials."""

    def __init__(self, configuration: kubernetes.client.Configuration) -> None:
        self._configuration = configuration
        if configuration.verify_ssl:
            context = ssl.create_default_context(cafile=configuration.ssl_ca_cert)
        else:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if configuration.cert_file:
            context.load_cert_chain(configuration.cert_file, configuration.key_file)
        self._ssl = context
        self._session: aiohttp.ClientSession | None = None

    @property
    def host(self) -> str:
        return str(self._configuration.host).rstrip("/")

    def headers(self) -> dict[str, str]:
        token = authorization(self._configuration)
        return {"Accept": "application/json", **({"Authorization": token} if token else {})}

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=self._ssl, limit=0))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def json_lines(parts: list[bytes], chunk: bytes) -> Iterator[bytes]:
    """The complete lines of a watch response so far; `parts` carries an unfinished line over."""
    if b"\n" not in chunk:
        parts.append(chunk)
        return
    lines = (b"".join(parts) + chunk).split(b"\n")
    parts[:] = [lines.pop()] if lines[-1] else []
    yield from (line for line in lines if line.strip())


class CollectionStream:
    """Keeps one collection (a kind, optionally in one namespace and under a label selector) flowing
    into `on_event`, for as long as it runs."""

    def __init__(
        self,
        connection: Connection,
        resource: Resource,
        on_event: EventHandler,
        on_listed: ListedHandler,
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
    ) -> None:
        self.resource = resource
        self.synced = asyncio.Event()  # set once the first listing has been delivered
        self.version: str | None = None  # where the watch resumes; None: list first
        self._connection = connection
        self._on_event = on_event
        self._on_listed = on_listed
        self._path = resource.path(namespace)
        self._selector = label_selector

    def __repr__(self) -> str:
        return f"<stream {self._path}{'?' + self._selector if self._selector else ''}>"

    async def run(self) -> None:
        backoff = 1.0
        while True:
            try:
                if self.version is None:
                    self.version = await self.list()
                    self.synced.set()
                await self.watch()
                backoff = 1.0
            except Gone:
                log.info("%s: resourceVersion %s is gone, listing again", self, self.version)
                self.version = None
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the API server restarting, a dropped connection: try again
                log.warning("%s failed, retrying in %.0f s: %s", self, backoff, exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _params(self, **extra: str) -> dict[str, str]:
        return {**({"labelSelector": self._selector} if self._selector else {}), **extra}

    async def list(self) -> str:
        """Deliver every object as ADDED, a page at a time; return the listing's resourceVersion."""
        listed: list[dict[str, Any]] = []
        token = ""
        while True:
            params = self._params(limit=str(PAGE_SIZE), **({"continue": token} if token else {}))
            async with self._connection.session().get(
                self._connection.host + self._path,
                params=params,
                headers=self._connection.headers(),
                timeout=aiohttp.ClientTimeout(total=120),
            ) as response:
                if response.status == 410 and token:  # the continue token expired: start over
                    listed, token = [], ""
                    continue
                response.raise_for_status()
                page = orjson.loads(await response.read())
            for item in page.get("items") or []:  # list items come without apiVersion/kind
                item.setdefault("apiVersion", self.resource.api_version)
                item.setdefault("kind", self.resource.kind)
                meta = item["metadata"]
                listed.append(
                    {
                        "metadata": {
                            "namespace": meta.get("namespace"),
                            "name": meta["name"],
                            "resourceVersion": meta.get("resourceVersion"),
                        }
                    }
                )
                self._handle("ADDED", item)
            del page["items"]
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                version = str(page["metadata"]["resourceVersion"])
                self._on_listed(listed, version)
                return version

    async def watch(self) -> None:
        """Deliver changes after `self.version` until the server ends the watch."""
        params = self._params(
            watch="true",
            allowWatchBookmarks="true",
            timeoutSeconds=str(WATCH_SECONDS),
            resourceVersion=str(self.version),
        )
        async with self._connection.session().get(
            self._connection.host + self._path,
            params=params,
            headers=self._connection.headers(),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=WATCH_SECONDS + 30),
        ) as response:
            if response.status == 410:
                raise Gone()
            response.raise_for_status()
            parts: list[bytes] = []
            async for chunk in response.content.iter_any():
                for line in json_lines(parts, chunk):
                    self._deliver(orjson.loads(line))

    def _deliver(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        obj = event.get("object") or {}
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise Gone()
            raise RuntimeError(f"watch error: {obj.get('message') or obj}")
        version = (obj.get("metadata") or {}).get("resourceVersion")
        if kind == "BOOKMARK":
            self.version = version or self.version
            return
        obj.setdefault("apiVersion", self.resource.api_version)
        obj.setdefault("kind", self.resource.kind)
        self._handle(str(kind), obj)
        self.version = version or self.version

    def _handle(self, kind: str, obj: dict[str, Any]) -> None:
        # A failing handler must not stall the whole collection: re-watching from this version
        # would hand it the same event again, forever. The object's next event repairs the store.
        try:
            self._on_event(kind, obj)
        except Exception:
            log.exception("%s: handling %s of %s failed", self, kind, (obj.get("metadata") or {}).get("name"))
