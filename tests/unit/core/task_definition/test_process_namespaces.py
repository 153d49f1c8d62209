"""pidMode, ipcMode and initProcessEnabled -> the pod's namespaces
(core/task_definition/process_namespaces.py)."""

from task_definition_inputs import container, paths, task

from ecs_operator.core.task_definition.pod_spec import build_pod_spec


def test_pid_mode_host_and_task_and_ipc_modes():
    assert build_pod_spec(task(pidMode="host")).pod_spec["hostPID"] is True
    assert build_pod_spec(task(pidMode="task")).pod_spec["shareProcessNamespace"] is True
    assert build_pod_spec(task(ipcMode="host")).pod_spec["hostIPC"] is True
    shared_ipc = build_pod_spec(task(ipcMode="task"))
    assert "hostIPC" not in shared_ipc.pod_spec and shared_ipc.unsupported == []
    assert paths(build_pod_spec(task(ipcMode="none"))) == {"ipcMode"}


def test_init_process_enabled_shares_the_process_namespace():
    result = build_pod_spec(task(container(linuxParameters={"initProcessEnabled": True})))
    assert result.pod_spec["shareProcessNamespace"] is True
    assert result.unsupported == []


def test_init_process_with_host_pid_is_listed_because_kubernetes_forbids_both():
    result = build_pod_spec(task(container(linuxParameters={"initProcessEnabled": True}), pidMode="host"))
    assert "shareProcessNamespace" not in result.pod_spec
    assert paths(result) == {"containerDefinitions[0].linuxParameters.initProcessEnabled"}
