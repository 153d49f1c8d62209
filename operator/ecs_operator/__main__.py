from ecs_operator.cli import main

raise SystemExit(main())
