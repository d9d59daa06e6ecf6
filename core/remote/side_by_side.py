"""The same input run on this machine and on the Inference API, with both latencies.

``LOCAL_RUNNERS`` maps a task to its local core function (plain values in, the contract's JSON
out); a task joins side-by-side by adding one line here once its core module exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import BadInput
from core.remote.adapters import RemoteInputs
from core.remote.client import RemoteResult
from core.runtime.loading import LoadPolicy


def _classify(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.classify import classify

    return classify(inputs.text, model, device=device, policy=policy).to_json()


def _answer(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.answer import answer

    return answer(inputs.text, inputs.context, model, **inputs.options, device=device, policy=policy).to_json()


def _summarize(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.generation.summarize import summarize

    return summarize(inputs.text, model, **inputs.options, device=device, policy=policy).to_json()


def _translate(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.generation.translate import translate

    return translate(inputs.text, model, **inputs.options, device=device, policy=policy).to_json()


def _zero_shot(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.zero_shot import zero_shot

    return zero_shot(inputs.text, inputs.labels, model, **inputs.options, device=device, policy=policy).to_json()


def _ner(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.ner import recognize

    return recognize(inputs.text, model, **inputs.options, device=device, policy=policy).to_json()


def _fill_mask(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.fill_mask import fill_mask

    return fill_mask(inputs.text, model, **inputs.options, device=device, policy=policy).to_json()


def _similarity(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.text.similarity import similarity

    return similarity(inputs.text, model, device=device, policy=policy).to_json()


def _detect(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.vision.detect import detect

    limit = inputs.options.get("max_detections")
    extra = {"max_detections": limit} if limit is not None else {}
    return detect(
        inputs.image, inputs.threshold, model, inputs.labels, **extra, device=device, policy=policy
    ).to_json()


def _generate(inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> Any:
    from core.generation.generate import GenerationSettings, generate

    settings = GenerationSettings(max_new_tokens=int(inputs.max_new_tokens), **inputs.options)
    return generate(inputs.text, model, settings, device=device, policy=policy).to_json()


LOCAL_RUNNERS: dict[str, Callable[..., Any]] = {
    "classify": _classify,
    "answer": _answer,
    "summarize": _summarize,
    "translate": _translate,
    "zero_shot": _zero_shot,
    "ner": _ner,
    "fill_mask": _fill_mask,
    "similarity": _similarity,
    "detect": _detect,
    "generate": _generate,
}


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


def run_local(task_id: str, inputs: RemoteInputs, model: str, *, device: str, policy: LoadPolicy) -> tuple[Any, float]:
    """The local result for side-by-side and its wall time (the first run includes loading the model)."""
    runner = LOCAL_RUNNERS.get(task_id)
    if runner is None:
        raise BadInput(
            f"Side-by-side is not available for '{task_id}' yet; it works for: {', '.join(LOCAL_RUNNERS)}. "
            "Run it remotely here, and locally in its own tab.",
            ko=f"'{task_id}' 작업은 아직 나란히 비교할 수 없어요. 가능한 작업: {', '.join(LOCAL_RUNNERS)}. "
            "여기서는 원격으로, 로컬은 그 작업의 탭에서 실행하세요.",
        )
    started = time.perf_counter()
    output = runner(inputs, model, device=device, policy=policy)
    return output, time.perf_counter() - started
