import base64

from ecs_operator.localcluster.kubeconfig import build_kubeconfig, with_token


def test_kubeconfig_embeds_credentials_and_selects_its_only_context():
    config = build_kubeconfig("demo", "https://127.0.0.1:6443", b"CA", b"CERT", b"KEY")
    assert config["current-context"] == "demo"
    (cluster,) = config["clusters"]
    (user,) = config["users"]
    (context,) = config["contexts"]
    assert cluster["cluster"]["server"] == "https://127.0.0.1:6443"
    assert base64.b64decode(cluster["cluster"]["certificate-authority-data"]) == b"CA"
    assert base64.b64decode(user["user"]["client-certificate-data"]) == b"CERT"
    assert base64.b64decode(user["user"]["client-key-data"]) == b"KEY"
    assert context["context"] == {"cluster": cluster["name"], "user": user["name"]}


def test_a_token_kubeconfig_keeps_the_cluster_and_drops_the_admin_credentials():
    admin = build_kubeconfig("demo", "https://127.0.0.1:6443", b"CA", b"CERT", b"KEY")
    config = with_token(admin, "operator", "TOKEN")
    assert config["clusters"] == admin["clusters"]
    assert config["users"] == [{"name": "operator", "user": {"token": "TOKEN"}}]
    assert config["contexts"][0]["context"] == {"cluster": "demo", "user": "operator"}
    assert config["current-context"] == "operator"
