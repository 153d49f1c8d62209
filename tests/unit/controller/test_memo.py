"""kopf's memo: one for the whole operator, so every handler reaches the same runtime."""

import copy

from ecs_operator.controller.memo import OperatorMemo
from ecs_operator.controller.runtime import Runtime


def test_kopfs_copy_for_each_object_is_the_operators_memo_itself():
    memo = OperatorMemo(Runtime(kube=None))
    assert copy.copy(memo) is memo
