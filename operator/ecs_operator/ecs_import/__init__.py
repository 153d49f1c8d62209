"""Real ECS JSON -> ecs-operator resources (pure: text in, resource dicts and warnings out).

`import_sources` is the entry point (`ecs-operator import`). One module per thing converted:
- `shapes`: the shapes of input recognised (detected, not declared);
- `task_definitions`, `services`: each kind's conversion;
- `spec_fields`: how an object's ECS fields are kept, dropped (with a warning) or refused;
- `naming`: Kubernetes names, the cluster as the namespace;
- `sources`: the run over all files; `options`, `problems`: what goes in beside the files and what
  comes back when they cannot be imported (with the file and the JSON path of every problem).
"""

from ecs_operator.ecs_import.options import STDIN, Options
from ecs_operator.ecs_import.problems import ImportProblem
from ecs_operator.ecs_import.sources import Imported, import_sources

__all__ = ["STDIN", "ImportProblem", "Imported", "Options", "import_sources"]
