from ecs_operator.commands.demo import format_node_table
from ecs_operator.localcluster.nodes import NodeRow


def test_node_table_lists_name_pool_zone_ready_in_aligned_columns():
    table = format_node_table(
        [
            NodeRow("kwok-on-demand-0", "on-demand", "local-a", True),
            NodeRow("kwok-spot-1", "spot", "local-b", False),
        ]
    ).splitlines()
    assert table[0].split() == ["NAME", "POOL", "ZONE", "READY"]
    assert table[1].split() == ["kwok-on-demand-0", "on-demand", "local-a", "yes"]
    assert table[2].split() == ["kwok-spot-1", "spot", "local-b", "no"]
    assert table[1].index("local-a") == table[2].index("local-b") == table[0].index("ZONE")
