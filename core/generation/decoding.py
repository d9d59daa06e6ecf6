"""Decoding comparison: one prompt, two to four decoding strategies, side by side.

Greedy takes the most likely token every step; beam search keeps the ``num_beams`` best
partial sentences and returns the best whole one; sampling draws each token at random from
the distribution that temperature, top-k and top-p leave (see ``core.generation.next_token``). Each
setting runs on the same prompt ids with its own seed, so every column can be reproduced.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from core.errors import BadInput
from core.generation.generate import TASK, GenerationSettings, Prompt, prepare_prompt, seeded_generate
from core.inputs.text import require_text
from core.runtime.loading import PRIVATE, LoadPolicy, load_for_task
from core.validators import finite_number

MIN_SETTINGS = 2
MAX_SETTINGS = 4
#: The columns of the settings table, in order (the UI's table and the API's ``settings`` use them).
COLUMNS = ("strategy", "num_beams", "temperature", "top_k", "top_p", "seed")


class Strategy(Enum):
    GREEDY = "greedy"
    BEAM = "beam"
    SAMPLE = "sample"


#: A comparison a student understands at a glance: the deterministic two, then cool and hot sampling.
DEFAULT_ROWS: list[list[Any]] = [
    ["greedy", 1, 1.0, 0, 1.0, 0],
    ["beam", 4, 1.0, 0, 1.0, 0],
    ["sample", 1, 0.7, 50, 0.9, 42],
    ["sample", 1, 1.5, 0, 1.0, 42],
]


@dataclass(frozen=True)
class DecodingSetting:
    """One column of the comparison: a strategy and the knobs that matter for it."""

    strategy: Strategy
    num_beams: int = 1
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    seed: int = 0

    def generation_settings(self, max_new_tokens: int) -> GenerationSettings:
        sample = self.strategy is Strategy.SAMPLE
        return GenerationSettings(
            max_new_tokens=max_new_tokens,
            do_sample=sample,
            temperature=self.temperature if sample else 1.0,
            top_k=self.top_k if sample else 0,
            top_p=self.top_p if sample else 1.0,
            num_beams=self.num_beams if self.strategy is Strategy.BEAM else 1,
            seed=self.seed if sample else 0,
        )

    def label(self) -> str:
        """A short name for the column, e.g. ``sample · T=0.7 · top_k=50 · top_p=0.9 · seed 42``."""
        if self.strategy is Strategy.GREEDY:
            return "greedy"
        if self.strategy is Strategy.BEAM:
            return f"beam · num_beams={self.num_beams}"
        parts = [f"sample · T={self.temperature:g}"]
        if self.top_k:
            parts.append(f"top_k={self.top_k}")
        if self.top_p < 1:
            parts.append(f"top_p={self.top_p:g}")
        return " · ".join([*parts, f"seed {self.seed}"])

    def to_json(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy.value,
            "num_beams": self.num_beams,
            "temperature": self.temperature,
            "top_k": self.top_k,
            "top_p": self.top_p,
            "seed": self.seed,
        }


def _cell(cells: dict[str, Any], column: str, default: Any, kind: type, row: int) -> Any:
    """A table cell as a number of ``kind``; ``default`` when it was left blank."""
    value = cells.get(column)
    if value is None or str(value).strip() == "":
        return default
    number = finite_number(value, f"Row {row}: {column}", name_ko=f"{row}번째 줄: {column}")
    # 2.5 stays as it is for the settings' own check to refuse with the range; 3.0 becomes 3.
    return int(number) if kind is int and number.is_integer() else number


def parse_settings(rows: Sequence[Sequence[Any]]) -> list[DecodingSetting]:
    """The settings table (one row per setting, columns ``COLUMNS``) as checked settings."""
    rows = [row for row in rows if any(str(cell).strip() for cell in row)]
    if not MIN_SETTINGS <= len(rows) <= MAX_SETTINGS:
        raise BadInput(
            f"The comparison has {len(rows)} settings; use {MIN_SETTINGS} to {MAX_SETTINGS} rows (one per setting).",
            ko=f"비교할 설정이 {len(rows)}개예요. {MIN_SETTINGS}~{MAX_SETTINGS}줄(설정 하나에 한 줄)로 정해 주세요.",
        )
    settings = []
    for number, row in enumerate(rows, start=1):
        cells = dict(zip(COLUMNS, list(row) + [None] * (len(COLUMNS) - len(row)), strict=False))
        name = str(cells["strategy"] or "").strip().lower()
        try:
            strategy = Strategy(name)
        except ValueError:
            raise BadInput(
                f"Row {number}: the strategy '{name}' is unknown. Use one of: greedy, beam, sample.",
                ko=f"{number}번째 줄: '{name}' 방식은 없는 방식이에요. greedy, beam, sample 중에서 고르세요.",
            ) from None
        setting = DecodingSetting(
            strategy=strategy,
            num_beams=_cell(cells, "num_beams", 1, int, number),
            temperature=_cell(cells, "temperature", 1.0, float, number),
            top_k=_cell(cells, "top_k", 0, int, number),
            top_p=_cell(cells, "top_p", 1.0, float, number),
            seed=_cell(cells, "seed", 0, int, number),
        )
        if strategy is Strategy.BEAM and setting.num_beams < 2:
            raise BadInput(
                f"Row {number}: beam search needs num_beams of 2 or more (it is {setting.num_beams}).",
                ko=f"{number}번째 줄: 빔 서치는 num_beams가 2 이상이어야 해요(지금 {setting.num_beams}).",
            )
        try:
            setting.generation_settings(1).validate()
        except BadInput as error:
            raise BadInput(f"Row {number}: {error.message}", ko=f"{number}번째 줄: {error.message_ko}") from None
        settings.append(setting)
    return settings


@dataclass
class DecodingOutcome:
    setting: DecodingSetting
    generated_text: str
    new_tokens: int
    seconds: float


@dataclass
class ComparisonResult:
    prompt: Prompt
    settings: list[DecodingSetting]
    outcomes: list[DecodingOutcome] = field(default_factory=list)
    model: str = ""
    done: bool = False

    def to_json(self) -> dict[str, Any]:
        """``{"prompt", "results": [{"setting", "generated_text", "new_tokens", "seconds"}, …]}``."""
        return {
            "prompt": self.prompt.text,
            "results": [
                {
                    "setting": o.setting.to_json(),
                    "generated_text": o.generated_text,
                    "new_tokens": o.new_tokens,
                    "seconds": round(o.seconds, 3),
                }
                for o in self.outcomes
            ],
        }


def compare_decoding(
    text: str,
    model: str,
    rows: Sequence[Sequence[Any]],
    max_new_tokens: int = 30,
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> Iterator[ComparisonResult]:
    """Run every setting on the same prompt; yield the result after each one finishes."""
    text = require_text(text)
    settings = parse_settings(rows)
    for setting in settings:
        setting.generation_settings(max_new_tokens).validate()
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    prompt = prepare_prompt(loaded, text, max_new_tokens)
    result = ComparisonResult(prompt=prompt, settings=settings, model=loaded.source.name)
    for setting in settings:
        started = time.perf_counter()
        generation = setting.generation_settings(max_new_tokens)
        output = seeded_generate(loaded, prompt, generation, generation.seed)
        new_ids = output[0, prompt.length :]
        text_out = loaded.preprocessor.decode(new_ids, skip_special_tokens=True)
        result.outcomes.append(
            DecodingOutcome(setting, text_out, int(new_ids.shape[-1]), time.perf_counter() - started)
        )
        yield replace(result, outcomes=list(result.outcomes))  # a snapshot: the reader may keep it
    result.done = True
    yield result


def notebook_code(model: str, text: str, settings: Sequence[DecodingSetting], max_new_tokens: int, chat: bool) -> str:
    """The Python that reproduces the comparison in a notebook."""
    prompt = f"[{{'role': 'user', 'content': {text!r}}}]" if chat else repr(text)
    lines = [
        "from transformers import pipeline, set_seed",
        "",
        f"generator = pipeline('text-generation', model={model!r})",
        f"prompt = {prompt}",
        "settings = {",
    ]
    for setting in settings:
        generation = setting.generation_settings(max_new_tokens)
        lines.append(f"    {setting.label()!r}: ({generation.seed}, {generation.generate_kwargs()!r}),")
    lines += [
        "}",
        "for name, (seed, kwargs) in settings.items():",
        "    set_seed(seed)",
        "    print(name, '→', generator(prompt, return_full_text=False, **kwargs)[0]['generated_text'])",
    ]
    return "\n".join(lines) + "\n"
