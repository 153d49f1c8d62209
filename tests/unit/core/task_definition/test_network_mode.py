"""networkMode, hostname, extraHosts, links and DNS -> pod networking
(core/task_definition/network_mode.py)."""

import pytest
from task_definition_inputs import container, paths, task

from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec


@pytest.mark.parametrize("mode", ["awsvpc", "bridge", "default", None])
def test_ordinary_network_modes_use_pod_networking(mode):
    result = build_pod_spec(task(networkMode=mode))
    assert "hostNetwork" not in result.pod_spec
    assert result.unsupported == []


def test_host_network_mode_sets_host_network_and_host_ports():
    result = build_pod_spec(task(container(portMappings=[{"containerPort": 80}]), networkMode="host"))
    assert result.pod_spec["hostNetwork"] is True
    assert result.pod_spec["containers"][0]["ports"] == [
        {"containerPort": 80, "protocol": "TCP", "hostPort": 80}
    ]


def test_network_mode_none_is_listed():
    assert paths(build_pod_spec(task(networkMode="none"))) == {"networkMode"}


def test_hostname_and_extra_hosts():
    result = build_pod_spec(
        task(
            container(
                hostname="web-1",
                extraHosts=[
                    {"hostname": "db", "ipAddress": "10.0.0.5"},
                    {"hostname": "cache", "ipAddress": "10.0.0.5"},
                ],
            )
        )
    )
    assert result.pod_spec["hostname"] == "web-1"
    assert result.pod_spec["hostAliases"] == [{"ip": "10.0.0.5", "hostnames": ["db", "cache"]}]


def test_second_different_hostname_and_hostname_with_host_network_are_listed():
    two = build_pod_spec(task(container("a", hostname="one"), container("b", hostname="two")))
    assert two.pod_spec["hostname"] == "one"
    assert paths(two) == {"containerDefinitions[1].hostname"}
    host = build_pod_spec(task(container(hostname="one"), networkMode="host"))
    assert "hostname" not in host.pod_spec
    assert paths(host) == {"containerDefinitions[0].hostname"}


def test_links_resolve_to_localhost_because_pod_containers_share_the_network():
    result = build_pod_spec(task(container("db"), container("web", links=["db:database", "db"])))
    assert result.pod_spec["hostAliases"] == [{"ip": "127.0.0.1", "hostnames": ["db", "database"]}]


def test_link_to_unknown_container_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.links\[0\]"):
        build_pod_spec(task(container("web", links=["redis"])))


def test_dns_servers_replace_the_resolvers_and_search_domains_are_added():
    result = build_pod_spec(task(container(dnsServers=["10.0.0.2"], dnsSearchDomains=["corp.example"])))
    assert result.pod_spec["dnsPolicy"] == "None"
    assert result.pod_spec["dnsConfig"] == {"nameservers": ["10.0.0.2"], "searches": ["corp.example"]}
    only_search = build_pod_spec(task(container(dnsSearchDomains=["corp.example"])))
    assert "dnsPolicy" not in only_search.pod_spec
    assert only_search.pod_spec["dnsConfig"] == {"searches": ["corp.example"]}


def test_more_than_three_nameservers_are_cut_and_listed():
    result = build_pod_spec(task(container(dnsServers=["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"])))
    assert result.pod_spec["dnsConfig"]["nameservers"] == ["1.1.1.1", "2.2.2.2", "3.3.3.3"]
    assert paths(result) == {"containerDefinitions[0].dnsServers"}
