"""The kubeconfig every client of the local cluster uses (tests, controller manager, scheduler, kwok)."""

from __future__ import annotations

import base64
from typing import Any


def build_kubeconfig(
    name: str, server: str, ca_cert: bytes, client_cert: bytes, client_key: bytes
) -> dict[str, Any]:
    """A one-context kubeconfig with the credentials embedded, so it works from any directory."""
    user = f"{name}-admin"
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": name, "cluster": {"server": server, "certificate-authority-data": _b64(ca_cert)}},
        ],
        "users": [
            {
                "name": user,
                "user": {"client-certificate-data": _b64(client_cert), "client-key-data": _b64(client_key)},
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": user}}],
        "current-context": name,
        "preferences": {},
    }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def with_token(config: dict[str, Any], user: str, token: str) -> dict[str, Any]:
    """The same cluster reached as `user` with a bearer token (a ServiceAccount's, say): how a test
    runs a client under exactly the rights RBAC gives that account."""
    (cluster,) = config["clusters"]
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [cluster],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": user, "context": {"cluster": cluster["name"], "user": user}}],
        "current-context": user,
        "preferences": {},
    }
