"""The pod policy's inputs re-plan the Services they hold: a namespace's Pod Security label, and
someone else's object under a Service's name (store and queue only; no API server)."""

import asyncio

from test_requeue import queued

from ecs_operator.controller import handlers, resources, watch_events
from ecs_operator.controller.memo import OperatorMemo
from ecs_operator.controller.runtime import Runtime
from ecs_operator.core.service.settings import Settings


def namespace(version, labels=None):
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "ns", "resourceVersion": version, "labels": labels or {}},
    }


def test_a_namespace_level_comes_from_its_label_else_the_operator_default():
    runtime = Runtime(kube=None, settings=Settings(default_pod_security="restricted"))
    assert runtime.pod_security("ns") == "restricted"
    runtime.store.upsert("namespaces", namespace("1", {"pod-security.kubernetes.io/enforce": "privileged"}))
    assert runtime.pod_security("ns") == "privileged"
    assert runtime.store.get("namespaces", "", "ns")["metadata"].keys() == {
        "name",
        "labels",
        "resourceVersion",
    }


def test_only_a_change_of_the_enforced_level_replans_the_namespaces_services(body):
    runtime = Runtime(kube=None)
    memo = OperatorMemo(runtime)
    runtime.store.upsert("ecsservices.ecs-operator.dev", body("ECSService", "web", "ns"))

    async def scenario():
        await handlers.namespace_event(event={"type": "ADDED"}, body=namespace("1"), name="ns", memo=memo)
        assert queued(runtime) == set()  # unlabelled is the default, baseline: nothing changed
        other = namespace("2", {"team": "a"})
        await handlers.namespace_event(event={"type": "MODIFIED"}, body=other, name="ns", memo=memo)
        assert queued(runtime) == set()
        relabelled = namespace("3", {"pod-security.kubernetes.io/enforce": "privileged"})
        await handlers.namespace_event(event={"type": "MODIFIED"}, body=relabelled, name="ns", memo=memo)
        assert queued(runtime) == {("Service", "ns", "web")}

    asyncio.run(scenario())


def test_someone_elses_object_under_a_services_name_replans_that_service(body):
    runtime = Runtime(kube=None)
    runtime.store.upsert("ecsservices.ecs-operator.dev", body("ECSService", "api", "ns"))
    foreign = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "api", "namespace": "ns", "resourceVersion": "5"},
    }
    watch_events.child_event(runtime, resources.SERVICE_ACCOUNT, "ADDED", foreign)
    assert queued(runtime) == {("Service", "ns", "api")}
    watch_events.child_event(runtime, resources.SERVICE_ACCOUNT, "DELETED", foreign)
    assert queued(runtime) == {("Service", "ns", "api")}
    unrelated = {**foreign, "metadata": {**foreign["metadata"], "name": "builder"}}
    watch_events.child_event(runtime, resources.SERVICE_ACCOUNT, "ADDED", unrelated)
    assert queued(runtime) == set()
