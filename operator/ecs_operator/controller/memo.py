"""kopf's memo for this operator (https://kopf.readthedocs.io/en/stable/memos/): the runtime every
handler reaches, and what start-up starts for the clean-up to stop. `ecs-operator run` makes it and
hands it to `kopf.run`; nothing in the shell is a module global."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.streams import CollectionStream, Connection


@dataclass(eq=False)
class OperatorMemo:
    runtime: Runtime
    connection: Connection | None = None
    streams: list[CollectionStream] = field(default_factory=list)
    stream_tasks: list[asyncio.Task[None]] = field(default_factory=list)
    executor: ThreadPoolExecutor | None = None
    workers: list[asyncio.Task[None]] = field(default_factory=list)  # and the sweeper

    def __copy__(self) -> OperatorMemo:
        # kopf copies its memo for every object it sees, to keep per-object values; the handlers
        # keep none, so each object shares this one (no copy per object of thousands).
        return self
