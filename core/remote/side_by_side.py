"""The same input run on this machine and on the Inference API, with both latencies.

The local half is the task's runner (``core/runner.py``'s ``RUNNERS``, the one table of tasks on both
backends): a task joins side-by-side when it joins that table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from core.call import CallContext, TaskInputs
from core.errors import BadInput
from core.remote.client import RemoteResult
from core.runtime.loading import LoadPolicy


@dataclass
class Comparison:
    local: Any
    local_seconds: float
    remote: RemoteResult

    def to_json(self) -> dict:
        return {
            "local": {"output": self.local, "seconds": self.local_seconds},
            "remote": {"output": self.remote.output, "seconds": self.remote.seconds, "retries": self.remote.retries},
        }


def run_local(task_id: str, inputs: TaskInputs, model: str, *, device: str, policy: LoadPolicy) -> tuple[Any, float]:
    """The local result for side-by-side, as the contract's JSON, and its wall time (the first run includes
    loading the model)."""
    from core import runner

    if task_id not in runner.RUNNERS:
        raise BadInput(
            f"Side-by-side is not available for '{task_id}' yet; it works for: {', '.join(runner.RUNNERS)}. "
            "Run it remotely here, and locally in its own tab.",
            ko=f"'{task_id}' 작업은 아직 나란히 비교할 수 없어요. 가능한 작업: {', '.join(runner.RUNNERS)}. "
            "여기서는 원격으로, 로컬은 그 작업의 탭에서 실행하세요.",
        )
    done, seconds = runner.run_local(task_id, replace(inputs, model=model), CallContext(device=device, policy=policy))
    return done.result.to_json(), seconds
