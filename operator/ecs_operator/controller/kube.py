"""The only code that talks to the Kubernetes API.

Writes go through three doors: server-side apply of children under one field manager, merge
patches of our own objects' status, and Events. Callers decide *whether* to write (by comparing
with the store); this module only knows *how*.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import kubernetes
import orjson
from kubernetes.client.exceptions import ApiException

from ecs_operator.api.labels import FIELD_MANAGER
from ecs_operator.controller import resources
from ecs_operator.controller.resources import Resource

log = logging.getLogger(__name__)


class Conflict(Exception):
    """Another writer owns the object or changed it under us; retried by the work queue."""


class AlreadyExists(Conflict):
    """A create found the name taken (by someone else, or by a child the watch has not shown yet)."""


class NamespaceTerminating(Exception):
    """The namespace is being deleted: nothing may be created in it, and nothing needs to be."""


POOL_SIZE = 32  # above the workers, the event and the sweep threads: none waits for a connection


def load_api_client(kubeconfig: str | None = None) -> kubernetes.client.ApiClient:
    configuration = kubernetes.client.Configuration()
    if kubeconfig:
        kubernetes.config.load_kube_config(config_file=kubeconfig, client_configuration=configuration)
    else:
        try:
            kubernetes.config.load_incluster_config(client_configuration=configuration)
        except kubernetes.config.ConfigException:
            kubernetes.config.load_kube_config(client_configuration=configuration)
    configuration.connection_pool_maxsize = POOL_SIZE
    return kubernetes.client.ApiClient(configuration)


def authorization(configuration: kubernetes.client.Configuration) -> str | None:
    """The Authorization header our client sends ("Bearer <token>"), or None (client certificates).
    Read on every use: in a pod the token file is rotated, and the client's refresh hook re-reads it."""
    bearer: Any = configuration.auth_settings().get("BearerToken") or {}
    return bearer.get("value") or None


class Kube:
    def __init__(self, api_client: kubernetes.client.ApiClient, field_manager: str = FIELD_MANAGER):
        self.api = api_client
        self.field_manager = field_manager
        self.writes = 0  # counted for the metrics and the no-write tests

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: list[tuple[str, str]] | None = None,
        content_type: str = "application/json",
    ) -> dict[str, Any] | None:
        if method != "GET":
            self.writes += 1
        url_method, url, headers, payload, _ = self.api.param_serialize(
            method=method,
            resource_path=path,
            query_params=query or [],
            header_params={"Content-Type": content_type, "Accept": "application/json"},
            body=body,
            auth_settings=["BearerToken"],
        )
        response = self.api.call_api(
            url_method, url, header_params=headers, body=payload, _request_timeout=30
        )
        response.read()
        if not 200 <= response.status < 300:
            if response.status == 403 and b"NamespaceTerminating" in (response.data or b""):
                raise NamespaceTerminating(path)
            raise ApiException(http_resp=response)
        return orjson.loads(response.data) if response.data else None

    def get(self, resource: Resource, namespace: str | None, name: str) -> dict[str, Any] | None:
        try:
            return self._call("GET", resource.path(namespace, name))
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def list(
        self,
        resource: Resource,
        namespace: str | None = None,
        label_selector: str | None = None,
        page_size: int = 500,
    ) -> list[dict[str, Any]]:
        """All items, fetched in pages: a whole collection decoded as one document (thousands of
        pods after a restart) made the operator's memory peak."""
        items: list[dict[str, Any]] = []
        token = ""
        while True:
            query = [("limit", str(page_size))]
            if label_selector:
                query.append(("labelSelector", label_selector))
            if token:
                query.append(("continue", token))
            result = self._call("GET", resource.path(namespace), query=query) or {}
            for item in result.get("items", []):  # list items come without apiVersion/kind
                item.setdefault("apiVersion", resource.api_version)
                item.setdefault("kind", resource.kind)
                items.append(item)
            token = (result.get("metadata") or {}).get("continue") or ""
            if not token:
                return items

    def apply(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        """Server-side apply under our field manager; force, since the operator owns these fields."""
        resource = resources.resource_of(dict(body))
        meta = body["metadata"]
        try:
            return self._call(
                "PATCH",
                resource.path(meta.get("namespace"), meta["name"]),
                dict(body),
                query=[("fieldManager", self.field_manager), ("force", "true")],
                content_type="application/apply-patch+yaml",
            )
        except ApiException as exc:
            if exc.status == 409:
                raise Conflict(str(exc)) from exc
            raise

    def create(self, body: Mapping[str, Any]) -> dict[str, Any] | None:
        resource = resources.resource_of(dict(body))
        try:
            return self._call(
                "POST",
                resource.path(body["metadata"].get("namespace")),
                dict(body),
                query=[("fieldManager", self.field_manager)],
            )
        except ApiException as exc:
            if exc.status == 409:
                raise AlreadyExists(str(exc)) from exc
            raise

    def json_patch(
        self, resource: Resource, namespace: str | None, name: str, operations: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any] | None:
        """A JSON patch whose `test` operations guard it: a failed test is a Conflict (retried)."""
        try:
            return self._call(
                "PATCH",
                resource.path(namespace, name),
                [dict(op) for op in operations],
                query=[("fieldManager", self.field_manager)],
                content_type="application/json-patch+json",
            )
        except ApiException as exc:
            if exc.status in (409, 422):
                raise Conflict(str(exc)) from exc
            raise

    def delete(self, resource: Resource, namespace: str | None, name: str, uid: str | None = None) -> None:
        options: dict[str, Any] = {"propagationPolicy": "Background"}
        if uid:
            options["preconditions"] = {"uid": uid}
        try:
            self._call("DELETE", resource.path(namespace, name), options)
        except ApiException as exc:
            if exc.status not in (404, 409):
                raise

    def patch_metadata(
        self, resource: Resource, namespace: str | None, name: str, metadata: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        try:
            return self._call(
                "PATCH",
                resource.path(namespace, name),
                {"metadata": dict(metadata)},
                content_type="application/merge-patch+json",
            )
        except ApiException as exc:
            if exc.status != 404:  # deleted meanwhile (its namespace going, say): nothing to keep
                raise
            return None

    def patch_status(
        self, resource: Resource, namespace: str | None, name: str, status: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        try:
            return self._call(
                "PATCH",
                resource.path(namespace, name, "status"),
                {"status": dict(status)},
                content_type="application/merge-patch+json",
            )
        except ApiException as exc:
            if exc.status != 404:  # deleted meanwhile: nothing to report on
                raise
            return None

    def event(
        self,
        involved: Mapping[str, Any],
        *,
        reason: str,
        message: str,
        type_: str = "Normal",
        now: datetime | None = None,
    ) -> None:
        """A core/v1 Event, as `kubectl describe` shows them."""
        meta = involved["metadata"]
        namespace = meta.get("namespace") or "default"
        now = now or datetime.now(UTC)
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "generateName": f"{meta['name']}.",
                "namespace": meta.get("namespace") or "default",
            },
            "involvedObject": {
                "apiVersion": involved["apiVersion"],
                "kind": involved["kind"],
                "name": meta["name"],
                "namespace": meta.get("namespace") or "",
                "uid": meta.get("uid"),
                "resourceVersion": meta.get("resourceVersion"),
            },
            "reason": reason,
            "message": message[:1024],
            "type": type_,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "count": 1,
            "source": {"component": "ecs-operator"},
            "reportingComponent": "ecs-operator",
            "reportingInstance": "ecs-operator",
        }
        try:
            self._call("POST", resources.EVENT.path(namespace), body)
        except ApiException as exc:  # events are best effort; never fail a reconcile on them
            log.warning("could not post event %s on %s: %s", reason, meta["name"], exc.reason)
