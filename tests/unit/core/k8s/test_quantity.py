from ecs_operator.core.k8s.quantity import quantity


def test_quantities():
    assert quantity("250m") == 0.25
    assert quantity("16Gi") == 16 * 2**30
    assert quantity("4") == 4
