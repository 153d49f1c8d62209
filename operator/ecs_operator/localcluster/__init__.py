"""The local Kubernetes control plane (etcd, kube-apiserver, controller manager, scheduler, kwok) for the demo and the tests."""
