"""What the local API server admits: the admission plugins an EKS control plane enables, and Pod
Security with EKS's defaults, so a pod or a child that EKS would refuse is refused here too."""

from __future__ import annotations

from typing import Any

# Enabled on every EKS platform version (the list for each Kubernetes version on
# https://docs.aws.amazon.com/eks/latest/userguide/platform-versions.html). Most are on by default
# upstream too; naming them all keeps the local cluster from drifting if a default changes.
EKS_ADMISSION_PLUGINS = (
    "NodeRestriction",
    "ExtendedResourceToleration",
    "NamespaceLifecycle",
    "LimitRanger",
    "ServiceAccount",
    "TaintNodesByCondition",
    "PodSecurity",
    "Priority",
    "DefaultTolerationSeconds",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
)
# Beyond EKS: an owner reference with blockOwnerDeletion needs `update` on the owner's finalizers,
# which clusters hardened this way (OpenShift, several managed offerings) check. The operator's
# children all set it, so the chart's RBAC must grant it.
EXTRA_ADMISSION_PLUGINS = ("OwnerReferencesPermissionEnforcement",)
ADMISSION_PLUGINS = (*EKS_ADMISSION_PLUGINS, *EXTRA_ADMISSION_PLUGINS)

# Pod Security for a namespace without `pod-security.kubernetes.io/*` labels: privileged, as on EKS
# (https://aws.amazon.com/blogs/containers/implementing-pod-security-standards-in-amazon-eks/) and
# upstream; labelled namespaces get what their labels say.
POD_SECURITY_DEFAULTS = {
    "enforce": "privileged",
    "enforce-version": "latest",
    "audit": "privileged",
    "audit-version": "latest",
    "warn": "privileged",
    "warn-version": "latest",
}


def admission_configuration() -> dict[str, Any]:
    """The file behind `--admission-control-config-file`."""
    return {
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "AdmissionConfiguration",
        "plugins": [
            {
                "name": "PodSecurity",
                "configuration": {
                    "apiVersion": "pod-security.admission.config.k8s.io/v1",
                    "kind": "PodSecurityConfiguration",
                    "defaults": dict(POD_SECURITY_DEFAULTS),
                    "exemptions": {"usernames": [], "runtimeClasses": [], "namespaces": []},
                },
            }
        ],
    }
