"""Service fields that are accepted but have no (or a different) effect on Kubernetes.

Nothing is silently dropped (docs/design.md#the-mapping). A migrating team sees in
`status.ignoredFields` (and a Warning event) which parts of their CreateService input did not carry
over, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_NO_EFFECT: dict[str, str] = {
    "loadBalancers": "no ELB target groups here: the core Service selects the tasks; point an Ingress or "
    "a LoadBalancer Service at it",
    "serviceRegistries": "no Cloud Map here: the core Service's cluster DNS name serves discovery",
    "serviceConnectConfiguration": "Service Connect has no equivalent; use the core Service (or a mesh)",
    "vpcLatticeConfigurations": "VPC Lattice has no equivalent here",
    "networkConfiguration": "pods use the cluster network; subnets, security groups, public IPs do not apply",
    "platformVersion": "Fargate platform versions do not apply",
    "platformFamily": "Fargate platform families do not apply",
    "role": "no ELB to register with, so no service-linked role is used",
    "enableExecuteCommand": "use `kubectl exec` (RBAC decides who may)",
    "enableECSManagedTags": "ECS managed tags do not apply",
    "propagateTags": "tags are not propagated to pods",
    "tags": "kept on the object; not copied to children",
    "volumeConfigurations": "managed EBS volumes are not created; use PersistentVolumeClaims",
    "availabilityZoneRebalancing": "the scheduler and topology spread decide zones; no rebalancing is run",
    "clientToken": "idempotency tokens do not apply to declarative objects",
    "gatewayConnectors": "no equivalent here",
    "monitoring": "no equivalent here",
}
_DEPLOYMENT_CONFIG_NO_EFFECT: dict[str, str] = {
    "alarms": "CloudWatch alarms are not watched; the circuit breaker is",
    "bakeTimeInMinutes": "no bake time: a rolling deployment completes at steady state",
    "lifecycleHooks": "Lambda lifecycle hooks are not called",
    "linearConfiguration": "traffic shifting is not done; deployments are rolling",
    "canaryConfiguration": "traffic shifting is not done; deployments are rolling",
    "earlySuccessCriteria": "a deployment completes at steady state",
}


def ignored_service_fields(spec: Mapping[str, Any]) -> list[dict[str, str]]:
    """`[{path, reason}]` for every Service field present that has no effect here."""
    out = [
        {"path": f"spec.{name}", "reason": reason} for name, reason in _NO_EFFECT.items() if spec.get(name)
    ]
    config = spec.get("deploymentConfiguration") or {}
    out += [
        {"path": f"spec.deploymentConfiguration.{name}", "reason": reason}
        for name, reason in _DEPLOYMENT_CONFIG_NO_EFFECT.items()
        if config.get(name)
    ]
    strategy = config.get("strategy")
    if strategy and strategy != "ROLLING":
        out.append(
            {
                "path": "spec.deploymentConfiguration.strategy",
                "reason": f"{strategy} is run as a ROLLING deployment (no traffic shifting here)",
            }
        )
    controller = (spec.get("deploymentController") or {}).get("type")
    if controller == "CODE_DEPLOY":
        out.append(
            {
                "path": "spec.deploymentController.type",
                "reason": "CODE_DEPLOY is run as the ECS rolling controller; CodeDeploy is not called",
            }
        )
    return out
