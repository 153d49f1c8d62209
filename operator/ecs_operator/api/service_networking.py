"""How a Service is reached: load balancers, Cloud Map registries, awsvpc networking, Service Connect
and VPC Lattice (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).
Accepted and kept for change detection; the core Service over the task's ports is the Kubernetes
entry point.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ecs_operator.api.common import EcsModel, EcsName, FreeForm, LongString, ShortString


class AdvancedConfiguration(EcsModel):
    alternateTargetGroupArn: LongString | None = None
    """Target group of the new revision in a blue/green deployment."""
    productionListenerRule: LongString | None = None
    """Listener rule for production traffic."""
    testListenerRule: LongString | None = None
    """Listener rule for test traffic."""
    roleArn: LongString | None = None
    """IAM role ECS uses to change the listeners."""


class LoadBalancer(EcsModel):
    targetGroupArn: LongString | None = None
    """ALB or NLB target group."""
    loadBalancerName: ShortString | None = None
    """Classic Load Balancer name."""
    containerName: EcsName | None = None
    """Container to register."""
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port of that container (in its portMappings)."""
    advancedConfiguration: AdvancedConfiguration | None = None
    """Blue/green listener settings."""


class ServiceRegistry(EcsModel):
    registryArn: LongString | None = None
    """Cloud Map service ARN."""
    port: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port for SRV records."""
    containerName: EcsName | None = None
    """Container to register (bridge and host network modes)."""
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port of that container."""


class AwsVpcConfiguration(EcsModel):
    subnets: Annotated[list[ShortString], Field(max_length=16)]
    """Subnets of the task ENI, 1-16."""
    securityGroups: Annotated[list[ShortString], Field(max_length=5)] | None = None
    """Security groups, at most 5 (default: the VPC's default group)."""
    assignPublicIp: Literal["ENABLED", "DISABLED"] | None = None
    """ENABLED or DISABLED (default)."""


class NetworkConfiguration(EcsModel):
    awsvpcConfiguration: AwsVpcConfiguration | None = None
    """Subnets, security groups and public IP of awsvpc tasks."""


class ServiceConnectClientAlias(EcsModel):
    port: Annotated[int, Field(ge=1, le=65535)]
    """Port clients connect to, 1-65535."""
    dnsName: ShortString | None = None
    """DNS name clients use (default discoveryName.namespace)."""
    testTrafficRules: FreeForm | None = None
    """Header rules that route test traffic."""


class ServiceConnectService(EcsModel):
    portName: ShortString
    """portMappings[].name of the task definition to expose."""
    discoveryName: ShortString | None = None
    """Cloud Map name of the service (default portName)."""
    clientAliases: Annotated[list[ServiceConnectClientAlias], Field(max_length=100)] | None = None
    """Names and ports clients use."""
    ingressPortOverride: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port the Service Connect proxy listens on."""
    timeout: FreeForm | None = None
    """Idle and per-request timeouts."""
    tls: FreeForm | None = None
    """TLS settings."""


class ServiceConnectConfiguration(EcsModel):
    enabled: bool
    """Turn Service Connect on."""
    namespace: ShortString | None = None
    """Cloud Map namespace."""
    services: Annotated[list[ServiceConnectService], Field(max_length=100)] | None = None
    """Endpoints this service exposes."""
    logConfiguration: FreeForm | None = None
    """Log configuration of the Service Connect proxy."""
    accessLogConfiguration: FreeForm | None = None
    """Access logs of the Service Connect proxy."""


class VpcLatticeConfiguration(EcsModel):
    roleArn: LongString
    """IAM role ECS uses to register targets."""
    targetGroupArn: LongString
    """VPC Lattice target group."""
    portName: ShortString
    """portMappings[].name to register."""
