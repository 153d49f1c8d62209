"""The bearer token kopf's watches and our streams send is the one the kubernetes client sends."""

import kubernetes

from ecs_operator.controller.kube import authorization


def configuration(**api_key: str) -> kubernetes.client.Configuration:
    config = kubernetes.client.Configuration()
    config.api_key = dict(api_key)
    return config


def test_a_kubeconfig_token_is_sent_as_it_is():
    assert authorization(configuration(authorization="Bearer abc")) == "Bearer abc"


def test_a_separate_prefix_is_put_in_front():
    config = configuration(authorization="abc")
    config.api_key_prefix = {"authorization": "Bearer"}
    assert authorization(config) == "Bearer abc"


def test_client_certificates_alone_send_no_token():
    assert authorization(configuration()) is None


def test_a_rotated_in_cluster_token_is_read_again_on_every_use():
    config = configuration(authorization="Bearer old")
    tokens = iter(["Bearer new", "Bearer newer"])

    def refresh(c: kubernetes.client.Configuration) -> None:
        c.api_key["authorization"] = next(tokens)

    config.refresh_api_key_hook = refresh
    assert [authorization(config), authorization(config)] == ["Bearer new", "Bearer newer"]
