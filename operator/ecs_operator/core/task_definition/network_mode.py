"""`networkMode` and the container fields that shape the pod's network: hostname, /etc/hosts, DNS.

- `networkMode` awsvpc/bridge/default -> pod networking; host -> hostNetwork; none -> listed (a pod
  always has a network).
- `hostname` -> pod hostname (the first one; others listed; none with host networking).
- `extraHosts` -> hostAliases; `links` (`name:alias`) -> hostAliases on 127.0.0.1, since a pod's
  containers share localhost.
- `dnsServers` replace the resolvers as on ECS (dnsPolicy None, at most 3); `dnsSearchDomains` alone
  are added to the cluster's search list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.api.names import is_dns_label, is_dns_subdomain
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError, UnsupportedField, is_set

MAX_NAMESERVERS = 3  # Kubernetes' limit for dnsConfig.nameservers


def pod_network(
    task_definition: Mapping[str, Any], pod_spec: dict[str, Any], unsupported: list[UnsupportedField]
) -> str:
    """Sets hostNetwork for `host`; returns the network mode (bridge when unset)."""
    mode = task_definition.get("networkMode") or "bridge"
    if mode == "host":
        pod_spec["hostNetwork"] = True
    elif mode == "none":
        unsupported.append(
            UnsupportedField("networkMode", "a pod always has a network; `none` is not mapped")
        )
    elif mode not in ("awsvpc", "bridge", "default"):
        unsupported.append(
            UnsupportedField("networkMode", f"unknown network mode {mode!r}; pod networking used")
        )
    return str(mode)


def hosts_and_dns(
    definitions: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    pod_spec: dict[str, Any],
    network_mode: str,
    unsupported: list[UnsupportedField],
) -> None:
    aliases: dict[str, list[str]] = {}
    nameservers: list[str] = []
    searches: list[str] = []
    ecs_names = [d.get("name") for d in definitions]

    def alias(ip: str, hostname: str, path: str) -> None:
        if not is_dns_subdomain(hostname.lower()):
            unsupported.append(UnsupportedField(path, f"{hostname!r} is not a valid host name"))
        elif hostname.lower() not in aliases.setdefault(ip, []):
            aliases[ip].append(hostname.lower())

    for index, definition in enumerate(definitions):
        path = f"containerDefinitions[{index}]"
        hostname = definition.get("hostname")
        if is_set(hostname):
            if network_mode == "host":
                unsupported.append(
                    UnsupportedField(f"{path}.hostname", "with host networking the pod has the node's name")
                )
            elif "hostname" in pod_spec and pod_spec["hostname"] != hostname:
                unsupported.append(
                    UnsupportedField(f"{path}.hostname", "a pod has one hostname; the first one is used")
                )
            elif not is_dns_label(hostname):
                unsupported.append(UnsupportedField(f"{path}.hostname", f"{hostname!r} is not a DNS label"))
            else:
                pod_spec["hostname"] = hostname
        for host_index, entry in enumerate(definition.get("extraHosts") or []):
            alias(str(entry.get("ipAddress")), str(entry.get("hostname")), f"{path}.extraHosts[{host_index}]")
        for link_index, link in enumerate(definition.get("links") or []):
            linked, _, link_alias = str(link).partition(":")
            if linked not in ecs_names:
                raise TaskDefinitionError(f"{path}.links[{link_index}]", f"no container named {linked!r}")
            for hostname in dict.fromkeys([names[ecs_names.index(linked)], link_alias or linked]):
                alias("127.0.0.1", hostname, f"{path}.links[{link_index}]")
        nameservers.extend(s for s in definition.get("dnsServers") or [] if s not in nameservers)
        searches.extend(s for s in definition.get("dnsSearchDomains") or [] if s not in searches)
        if len(nameservers) > MAX_NAMESERVERS and is_set(definition.get("dnsServers")):
            unsupported.append(
                UnsupportedField(f"{path}.dnsServers", "Kubernetes takes at most 3 nameservers")
            )

    if aliases:
        pod_spec["hostAliases"] = [{"ip": ip, "hostnames": hostnames} for ip, hostnames in aliases.items()]
    dns_config: dict[str, Any] = {}
    if nameservers:
        pod_spec["dnsPolicy"] = "None"  # ECS dnsServers replace the resolvers
        dns_config["nameservers"] = nameservers[:MAX_NAMESERVERS]
    if searches:
        dns_config["searches"] = searches
    if dns_config:
        pod_spec["dnsConfig"] = dns_config
