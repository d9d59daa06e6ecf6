"""One runner per task: ``run(task, inputs, call)`` returns the task's typed result from either backend.

``RUNNERS`` is plain data, like transformers' ``SUPPORTED_TASKS``: each task's local function (plain values in,
a typed result out, streamed for the generation tasks) and the notebook code that reproduces it. The remote
half of each task is its adapter in ``core/remote/adapters.py``, which returns the same typed result. A tab
builds the inputs and one ``CallContext``, asks here, and renders what comes back: it never asks which
backend ran. The side-by-side comparison (``core/remote/side_by_side.py``) reads the same table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from core.call import Backend, CallContext, TaskInputs
from core.errors import BadInput
from core.remote.client import RemoteResult, RemoteSettings, run_remote
from core.remote.tokens import resolve_credential

R = TypeVar("R")


@dataclass(frozen=True)
class TaskRunner:
    """A task on this machine; its hosted half is ``REMOTE_TASKS[task]``."""

    #: (inputs, call) → the typed result, or for a streaming task an iterator of growing results (last: done).
    local: Callable[[TaskInputs, CallContext], Any]
    #: The typed result → the Python that reproduces it in a notebook (the pipeline call).
    code: Callable[[Any], str]
    streams: bool = False


@dataclass
class TaskRun(Generic[R]):
    """One task's typed result, and the facts of the backend that produced it."""

    result: R
    #: The hosted call (where, how long, retries, whose token, its client code); ``None`` when run here.
    hosted: RemoteResult | None = None
    local_code: Callable[[R], str] | None = field(default=None, repr=False)

    @property
    def code(self) -> str:
        """The notebook code for this result: the ``InferenceClient`` call, or the local pipeline."""
        if self.hosted is not None:
            return self.hosted.code
        return self.local_code(self.result) if self.local_code is not None else ""

    def notice(self, language: str, local: Callable[[R, str], str]) -> str:
        """What to say under the result: where the hosted API answered and how fast, or what the local model did
        (``local(result, language)``: truncation, windows …; it reads facts a hosted answer does not have)."""
        return self.hosted.summary(language) if self.hosted is not None else local(self.result, language)


def _classify(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.classify import classify

    return classify(inputs.text, inputs.model, device=call.device, policy=call.policy)


def _answer(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.answer import answer

    return answer(inputs.text, inputs.context, inputs.model, **inputs.options, device=call.device, policy=call.policy)


def _summarize(inputs: TaskInputs, call: CallContext) -> Iterator[Any]:
    from core.generation.summarize import stream_summary

    return stream_summary(inputs.text, inputs.model, **inputs.options, device=call.device, policy=call.policy)


def _translate(inputs: TaskInputs, call: CallContext) -> Iterator[Any]:
    from core.generation.translate import stream_translation

    return stream_translation(inputs.text, inputs.model, **inputs.options, device=call.device, policy=call.policy)


def _zero_shot(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.zero_shot import zero_shot

    return zero_shot(
        inputs.text, inputs.labels, inputs.model, **inputs.options, device=call.device, policy=call.policy
    )


def _ner(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.ner import recognize

    return recognize(inputs.text, inputs.model, **inputs.options, device=call.device, policy=call.policy)


def _fill_mask(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.fill_mask import fill_mask

    return fill_mask(inputs.text, inputs.model, **inputs.options, device=call.device, policy=call.policy)


def _similarity(inputs: TaskInputs, call: CallContext) -> Any:
    from core.text.similarity import similarity

    return similarity(inputs.text, inputs.model, device=call.device, policy=call.policy)


def _detect(inputs: TaskInputs, call: CallContext) -> Any:
    from core.vision.detect import detect

    limit = inputs.options.get("max_detections")
    extra = {"max_detections": limit} if limit is not None else {}
    return detect(
        inputs.image, inputs.threshold, inputs.model, inputs.labels, **extra, device=call.device, policy=call.policy
    )


def _generate(inputs: TaskInputs, call: CallContext) -> Iterator[Any]:
    from core.generation.generate import GenerationSettings, stream_generate

    settings = inputs.generation_settings() or GenerationSettings(max_new_tokens=int(inputs.max_new_tokens))
    return stream_generate(inputs.text, inputs.model, settings, device=call.device, policy=call.policy)


def _code(module: str, arguments: Callable[[Any], tuple]) -> Callable[[Any], str]:
    """``module.notebook_code(*arguments(result))``, imported when first asked for."""

    def code(result: Any) -> str:
        from importlib import import_module

        return import_module(module).notebook_code(*arguments(result))

    return code


#: The tasks that run on both backends, in the order the side-by-side comparison lists them.
RUNNERS: dict[str, TaskRunner] = {
    "classify": TaskRunner(_classify, _code("core.text.classify", lambda r: (r.model, r.texts))),
    "answer": TaskRunner(_answer, _code("core.text.answer", lambda r: (r.model, r.question, r.context, r.settings))),
    "summarize": TaskRunner(
        _summarize,
        _code("core.generation.summarize", lambda r: (r.model, r.text, r.prefix, r.settings)),
        streams=True,
    ),
    "translate": TaskRunner(_translate, _code("core.generation.translate", lambda r: (r,)), streams=True),
    "zero_shot": TaskRunner(
        _zero_shot,
        _code("core.text.zero_shot", lambda r: (r.model, r.sequence, r.labels, r.hypothesis_template, r.multi_label)),
    ),
    "ner": TaskRunner(_ner, _code("core.text.ner", lambda r: (r.model, r.text, r.aggregation_strategy))),
    "fill_mask": TaskRunner(_fill_mask, _code("core.text.fill_mask", lambda r: (r.model, r.text, len(r.candidates)))),
    "similarity": TaskRunner(_similarity, _code("core.text.similarity", lambda r: (r.model, r.sentences))),
    "detect": TaskRunner(
        _detect,
        _code("core.vision.detect", lambda r: (r.raw.model, r.threshold, r.labels, r.raw.attention_kind)),
    ),
    "generate": TaskRunner(
        _generate,
        _code("core.generation.generate", lambda r: (r.model, r.prompt.text, r.settings, r.prompt.chat)),
        streams=True,
    ),
}


def get_runner(task: str) -> TaskRunner:
    """The runner of ``task``; ``BadInput`` naming the tasks that have one otherwise."""
    try:
        return RUNNERS[task]
    except KeyError:
        raise BadInput(
            f"The task '{task}' has no runner; tasks that do: {', '.join(RUNNERS)}.",
            ko=f"'{task}' 작업은 실행기가 없어요. 실행기가 있는 작업: {', '.join(RUNNERS)}.",
        ) from None


def run_hosted(task: str, inputs: TaskInputs, call: CallContext) -> RemoteResult:
    """``task`` on the hosted Inference API (or ``call.remote``'s server), with this call's token and provider."""
    settings = call.remote or RemoteSettings()
    credential = resolve_credential(call.token, call.oauth_token, hugging_face=not settings.base_url)
    return run_remote(
        task,
        inputs,
        inputs.model,
        credential=credential,
        provider=call.provider,
        settings=settings,
        on_wait=call.on_wait,
    )


def stream(task: str, inputs: TaskInputs, call: CallContext) -> Iterator[TaskRun]:
    """The task's result as it grows (generation tasks run here stream it); a hosted answer comes once."""
    runner = get_runner(task)
    if call.backend is Backend.REMOTE:
        hosted = run_hosted(task, inputs, call)
        yield TaskRun(hosted.result, hosted=hosted)
        return
    produced = runner.local(inputs, call)
    for result in produced if runner.streams else [produced]:
        yield TaskRun(result, local_code=runner.code)


def run(task: str, inputs: TaskInputs, call: CallContext) -> TaskRun:
    """The task's finished result from the backend ``call`` names."""
    *_, last = stream(task, inputs, call)
    return last


def run_local(task: str, inputs: TaskInputs, call: CallContext) -> tuple[TaskRun, float]:
    """The task on this machine whatever ``call`` says, and its wall time (the first run includes loading)."""
    started = time.perf_counter()
    done = run(task, inputs, replace(call, backend=Backend.LOCAL))
    return done, time.perf_counter() - started


def reruns_are_free(call: CallContext) -> bool:
    """Whether redrawing a result for a changed setting may run the task again: here it reads the model's
    cached output; on the hosted API each re-run would be one more (metered) request, so it waits for Run."""
    return call.backend is Backend.LOCAL
