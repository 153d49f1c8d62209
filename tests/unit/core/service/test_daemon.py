from ecs_operator.core.service.daemon import daemon_targets

PROVIDERS = {"ec2": {"name": "EC2", "nodeSelector": {"pool": "od"}}}
STRATEGY = [{"capacityProvider": "EC2", "k8sName": "ec2", "weight": 1}]


def _node(name, pool, ready=True):
    return {
        "metadata": {"name": name, "labels": {"pool": pool}},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def test_one_task_per_ready_node_of_the_pool():
    nodes = [_node("a", "od"), _node("b", "od"), _node("c", "od", ready=False), _node("d", "spot")]
    assert daemon_targets(STRATEGY, PROVIDERS, nodes) == {"EC2": 2}
