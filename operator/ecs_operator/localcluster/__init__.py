"""The local Kubernetes control plane for the demo and the tests: etcd, kube-apiserver,
kube-controller-manager, kube-scheduler and kwok with fake on-demand and spot nodes.

Entry points: `controlplane.up/down/status`, and `fleet` to add or interrupt nodes at runtime."""
