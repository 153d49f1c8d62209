"""kopf registration: each handler hands its event to the module whose duty it is.

kopf watches the operator's own kinds and nodes (`on.event`), never with its change-handlers,
daemons or finalizers: those write annotations and finalizers to every object, and the operator
must write nothing at steady state. Pods and children, most of the events, come through plain
streams (`watch_events.streams`). Reconciles are level-based: each one recomputes from the store.

The event handlers are coroutines: they only touch the store and the queue, so they run on the
loop (kopf would hand a plain function to a thread for every event, tens of thousands of hops
while 1,000 Services converge). Every handler reaches the runtime through kopf's `memo`
(`memo.OperatorMemo`), which `ecs-operator run` hands to `kopf.run`.
"""

from __future__ import annotations

from typing import Any

import kopf

from ecs_operator.controller import requeue, resources, startup
from ecs_operator.controller.kube import authorization
from ecs_operator.controller.memo import OperatorMemo
from ecs_operator.controller.watch_events import MANAGED, record


@kopf.on.event(resources.ECS_SERVICE.group, resources.ECS_SERVICE.version, resources.ECS_SERVICE.plural)
async def ecsservice_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, memo: OperatorMemo, **_: Any
) -> None:
    change = record(memo.runtime, resources.ECS_SERVICE, event, body)
    if change is not None and change.fresh:
        requeue.service_changed(memo.runtime, change, body, namespace or "", name)


@kopf.on.event(
    resources.TASK_DEFINITION.group, resources.TASK_DEFINITION.version, resources.TASK_DEFINITION.plural
)
async def taskdefinition_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, memo: OperatorMemo, **_: Any
) -> None:
    change = record(memo.runtime, resources.TASK_DEFINITION, event, body)
    if change is not None and change.fresh:
        requeue.task_definition_changed(memo.runtime, change, namespace, name)


@kopf.on.event(
    resources.CAPACITY_PROVIDER.group, resources.CAPACITY_PROVIDER.version, resources.CAPACITY_PROVIDER.plural
)
async def capacityprovider_event(
    event: kopf.RawEvent, body: kopf.Body, name: str, memo: OperatorMemo, **_: Any
) -> None:
    change = record(memo.runtime, resources.CAPACITY_PROVIDER, event, body)
    if change is not None and change.fresh:
        requeue.capacity_provider_changed(memo.runtime, change, name)


@kopf.on.event(resources.ECS_CLUSTER.group, resources.ECS_CLUSTER.version, resources.ECS_CLUSTER.plural)
async def ecscluster_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, memo: OperatorMemo, **_: Any
) -> None:
    change = record(memo.runtime, resources.ECS_CLUSTER, event, body)
    if change is not None and change.fresh:
        requeue.cluster_changed(memo.runtime, change, namespace, name)


@kopf.on.event("", "v1", "nodes")
async def node_event(event: kopf.RawEvent, body: kopf.Body, memo: OperatorMemo, **_: Any) -> None:
    change = record(memo.runtime, resources.NODE, event, body)
    if change is not None and change.fresh:
        requeue.node_changed(memo.runtime)


@kopf.on.event("", "v1", "namespaces")
async def namespace_event(
    event: kopf.RawEvent, body: kopf.Body, name: str, memo: OperatorMemo, **_: Any
) -> None:
    """A namespace's Pod Security label decides which task definitions its Services may run."""
    rt = memo.runtime
    if not rt.serves(name):
        return
    before = rt.pod_security(name)
    if record(rt, resources.NAMESPACE, event, body) is not None and rt.pod_security(name) != before:
        requeue.services(rt, name, urgent=True)


@kopf.on.event("apps", "v1", "controllerrevisions", labels=MANAGED)
async def controllerrevision_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, memo: OperatorMemo, **_: Any
) -> None:
    if record(memo.runtime, resources.CONTROLLER_REVISION, event, body) is not None:
        requeue.controller_revision_seen(memo.runtime, body, namespace)


@kopf.on.login()
def login(memo: OperatorMemo, **_: Any) -> kopf.ConnectionInfo:
    """kopf watches with the same credentials as our client (kubeconfig, token or in-cluster)."""
    config = memo.runtime.kube.api.configuration
    scheme, _sep, bare = (authorization(config) or "").rpartition(" ")
    return kopf.ConnectionInfo(
        server=config.host,
        ca_path=config.ssl_ca_cert,
        insecure=not config.verify_ssl,
        scheme=scheme or ("Bearer" if bare else None),
        token=bare or None,
        certificate_path=config.cert_file,
        private_key_path=config.key_file,
    )


@kopf.on.startup()
async def on_startup(settings: kopf.OperatorSettings, memo: startup.Memo, **_: Any) -> None:
    """The probes (/startupz, /readyz, /healthz) are the operator's own (controller/probes.py),
    not kopf's liveness endpoint, which answers only once every start-up handler has finished."""
    await startup.start(settings, memo)


@kopf.on.cleanup()
async def cleanup(memo: startup.Memo, **_: Any) -> None:
    await startup.stop(memo)
