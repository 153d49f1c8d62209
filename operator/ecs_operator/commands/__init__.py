"""One module per `ecs-operator` subcommand (see ecs_operator.cli)."""
