"""Bare HTTP access to the bench cluster with the admin client certificate: JSON lists, raw watch
streams and the API server's own /metrics. Independent of the operator's client, so measuring does
not share code (or a connection pool) with what is measured."""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WRITE_VERBS = ("POST", "PUT", "PATCH", "APPLY", "DELETE", "DELETECOLLECTION")


@dataclass(frozen=True)
class Endpoint:
    server: str
    context: ssl.SSLContext

    @classmethod
    def from_kubeconfig(cls, path: Path) -> Endpoint:
        config = yaml.safe_load(path.read_text())
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        base = path.parent
        tmp = base / ".bench-pki"
        tmp.mkdir(exist_ok=True)

        def materialise(entry: Mapping[str, Any], key: str, name: str) -> str:
            if key in entry:
                return str(entry[key])
            import base64

            target = tmp / name
            target.write_bytes(base64.b64decode(entry[f"{key}-data"]))
            target.chmod(0o600)
            return str(target)

        ctx = ssl.create_default_context(cafile=materialise(cluster, "certificate-authority", "ca.crt"))
        ctx.load_cert_chain(
            materialise(user, "client-certificate", "client.crt"),
            materialise(user, "client-key", "client.key"),
        )
        return cls(cluster["server"], ctx)

    def request(
        self, method: str, path: str, body: Any = None, content_type: str = "application/json"
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, context=self.context, timeout=60) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404 and method in ("GET", "DELETE"):
                return None
            raise RuntimeError(f"{method} {path}: {exc.code} {exc.read()[:300]!r}") from exc
        return json.loads(raw) if raw else None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def metrics_text(self) -> str:
        req = urllib.request.Request(self.server + "/metrics")
        with urllib.request.urlopen(req, context=self.context, timeout=60) as resp:
            return str(resp.read().decode())


# ---- the API server's apiserver_request_total ----

RequestKey = tuple[str, str, str, str]  # (verb, group, resource, subresource)


def _labels(text: str) -> dict[str, str]:
    out = {}
    for part in text.split('",'):
        if "=" in part:
            key, _, value = part.partition("=")
            out[key.strip()] = value.strip().strip('"')
    return out


def request_counts(endpoint: Endpoint) -> dict[RequestKey, float]:
    """apiserver_request_total summed over codes, by (verb, group, resource, subresource)."""
    counts: dict[RequestKey, float] = {}
    for line in endpoint.metrics_text().splitlines():
        if not line.startswith("apiserver_request_total{"):
            continue
        labels_text, _, value = line[len("apiserver_request_total{") :].rpartition("} ")
        lab = _labels(labels_text)
        key = (lab.get("verb", ""), lab.get("group", ""), lab.get("resource", ""), lab.get("subresource", ""))
        counts[key] = counts.get(key, 0.0) + float(value)
    return counts


def diff(after: Mapping[RequestKey, float], before: Mapping[RequestKey, float]) -> dict[RequestKey, float]:
    out = {k: v - before.get(k, 0.0) for k, v in after.items()}
    return {k: v for k, v in out.items() if v > 0}


def all_writes(delta: Mapping[RequestKey, float]) -> float:
    return sum(v for (verb, *_), v in delta.items() if verb in WRITE_VERBS)


CHILD_WRITE_VERBS = ("POST", "PATCH", "APPLY", "DELETE")
OPERATOR_CHILDREN = {
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("policy", "poddisruptionbudgets"),
    ("", "services"),
    ("", "serviceaccounts"),
}


def operator_writes(delta: Mapping[RequestKey, float]) -> dict[str, float]:
    """Writes the API server saw that only the operator makes here: creates, patches, server-side
    applies and deletes of child objects (the deployment controller PUTs Deployments, controllers
    write only status subresources; the namespace's default ServiceAccount is created before the
    count starts), ControllerRevision creates, and PATCHes of the ECS kinds (status, finalizers).
    Creates of the ECS objects themselves are the benchmark's own and not counted. Events are left
    out (the controller manager posts them too): the operator's own counter gives those."""
    out: dict[str, float] = {}
    for (verb, group, resource, sub), value in delta.items():
        child = (group, resource) in OPERATOR_CHILDREN and sub == "" and verb in CHILD_WRITE_VERBS
        revision = resource == "controllerrevisions" and verb == "POST"
        ecs = group == "ecs-operator.dev" and verb == "PATCH"
        if child or revision or ecs:
            name = f"{verb} {resource}{'/' + sub if sub else ''}"
            out[name] = out.get(name, 0.0) + value
    return out


# ---- watches ----


@dataclass
class Watch:
    """LIST then WATCH one collection; keeps `project(obj)` per object name and lets callers wait
    until a predicate over that map holds, returning the time the event that made it hold arrived."""

    endpoint: Endpoint
    path: str
    project: Callable[[dict[str, Any]], Any]
    label_selector: str | None = None
    # Checked on every event: `reached_at` is when it first held (several watches can be waited
    # on one after the other without later events moving the time).
    until: Callable[[dict[str, Any]], bool] | None = None
    reached_at: float | None = None
    state: dict[str, Any] = field(default_factory=dict)
    events: int = 0
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _changed_at: float = 0.0
    _stop: bool = False
    _thread: threading.Thread | None = None
    error: BaseException | None = None

    def _query(self, **extra: str) -> str:
        params = {k: v for k, v in {"labelSelector": self.label_selector, **extra}.items() if v}
        return self.path + ("?" + urllib.parse.urlencode(params) if params else "")

    def start(self) -> Watch:
        listing = self.endpoint.get(self._query())
        with self._cond:
            for item in listing["items"]:
                self.state[item["metadata"]["name"]] = self.project(item)
            self._changed_at = time.monotonic()
            self._check_until()
        rv = listing["metadata"]["resourceVersion"]
        self._thread = threading.Thread(target=self._run, args=(rv,), daemon=True)
        self._thread.start()
        return self

    def _run(self, rv: str) -> None:
        while not self._stop:
            url = self.endpoint.server + self._query(
                watch="1", resourceVersion=rv, allowWatchBookmarks="true", timeoutSeconds="600"
            )
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(url), context=self.endpoint.context, timeout=660
                ) as resp:
                    for line in resp:
                        if self._stop:
                            return
                        event = json.loads(line)
                        obj = event["object"]
                        if event["type"] == "ERROR":
                            raise RuntimeError(f"watch {self.path}: {obj}")
                        rv = obj["metadata"]["resourceVersion"]
                        if event["type"] == "BOOKMARK":
                            continue
                        now = time.monotonic()
                        with self._cond:
                            self.events += 1
                            name = obj["metadata"]["name"]
                            if event["type"] == "DELETED":
                                self.state.pop(name, None)
                            else:
                                self.state[name] = self.project(obj)
                            self._changed_at = now
                            self._check_until()
                            self._cond.notify_all()
            except Exception as exc:
                if self._stop:
                    return
                self.error = exc
                with self._cond:
                    self._cond.notify_all()
                return

    def _check_until(self) -> None:
        if self.until is not None and self.reached_at is None and self.until(self.state):
            self.reached_at = self._changed_at

    def wait_reached(self, timeout: float) -> float:
        """Block until `until` has held; the monotonic time of the event that first made it hold."""
        return self._wait(lambda: self.reached_at, timeout)

    def wait(self, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> float:
        """Block until predicate(state) holds; the monotonic time of the event that made it hold."""
        return self._wait(lambda: self._changed_at if predicate(self.state) else None, timeout)

    def _wait(self, reached: Callable[[], float | None], timeout: float) -> float:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                at = reached()
                if at is not None:
                    return at
                if self.error is not None:
                    raise RuntimeError(f"watch {self.path} failed: {self.error}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"watch {self.path}: not reached in {timeout:.0f} s")
                self._cond.wait(min(left, 1.0))

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            return dict(self.state)

    def stop(self) -> None:
        self._stop = True
