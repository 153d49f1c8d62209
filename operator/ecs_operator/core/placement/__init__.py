"""Where tasks run: the capacity provider strategy and its split, node pools, placement constraints."""
