"""Fine-tuning lab: the course's "inference without fine-tuning", then training, then the same evaluation.

A pretrained encoder gets a fresh classification head sized to the data's labels (transfer
learning: reuse what the encoder knows, learn only the new problem). A plain PyTorch loop
trains it — the same loop the code panel prints — and reports every step, so the UI can
draw the loss curve live and a Stop request ends training after the current step, keeping
what was learned. The result is saved with ``save_pretrained`` next to a generated model card (publish.py).
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import BadInput, WrongModelKind
from core.finetune.data import Example, LabelledData
from core.finetune.memory import check_fits, count_classifier_parameters, estimate, release_memory
from core.finetune.publish import save
from core.finetune.results import EpochScore, Evaluation, FineTuneResult, LossPoint, Prediction, Stage, Update
from core.finetune.vocab import vocabulary_report
from core.public.storage import VisitorStorage
from core.registry import get_task
from core.runtime.device import resolve_device
from core.runtime.loading import MODEL_BUILD_LOCK, PRIVATE, LoadPolicy, check_download_size, explained_failures
from core.runtime.model_cache import MODEL_CACHE, ModelCache
from core.runtime.model_source import ModelSource, resolve_model
from core.validators import number_in, whole_number

TASK = get_task("finetune")
EVAL_BATCH_SIZE = 32
WARMUP_SHARE = 0.1
#: Where trained models go when the user names no folder (PLAYGROUND_OUTPUT_DIR overrides it).
DEFAULT_OUTPUT_ROOT = "finetuned"


@dataclass(frozen=True)
class Limit:
    low: float
    high: float
    hint_en: str
    hint_ko: str


LIMITS = {
    "learning_rate": Limit(1e-6, 1e-2, "typical values are 2e-5 to 1e-4", "보통 2e-5 ~ 1e-4를 써요"),
    "epochs": Limit(1, 20, "a few epochs are enough for a small set", "작은 데이터에는 몇 에포크면 충분해요"),
    "batch_size": Limit(1, 128, "8 to 32 suits a CPU", "CPU에는 8~32가 알맞아요"),
    "max_length": Limit(8, 512, "sentences need 32 to 128 tokens", "문장에는 32~128토큰이면 돼요"),
    "seed": Limit(0, 2**32 - 1, "any whole number", "아무 정수나 괜찮아요"),
}


@dataclass(frozen=True)
class TrainingSettings:
    """The knobs the course talks about: learning rate, epochs, batch size, seed, max length."""

    learning_rate: float = 1e-4
    epochs: int = 3
    batch_size: int = 16
    seed: int = 42
    max_length: int = 64

    def check(self) -> TrainingSettings:
        """This object, when every value is in range; ``BadInput`` naming the first one that is not."""
        checked: dict[str, float | int] = {}
        for name, limit in LIMITS.items():
            check = number_in if name == "learning_rate" else whole_number
            hint_en, hint_ko = f"{limit.hint_en[:1].upper()}{limit.hint_en[1:]}.", f"{limit.hint_ko}."
            checked[name] = check(
                getattr(self, name), f"`{name}`", limit.low, limit.high, hint=hint_en, hint_ko=hint_ko
            )
        return TrainingSettings(**checked)


def _short_name(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", Path(model).name or model.split("/")[-1]).strip("-") or "model"


def output_root() -> Path:
    return Path(os.environ.get("PLAYGROUND_OUTPUT_DIR") or DEFAULT_OUTPUT_ROOT)


def choose_output_dir(output_dir: str | None, model: str, *, allow_custom: bool = True) -> Path:
    """The folder to save into: the user's (must be new or empty), or a fresh one under ``output_root()``."""
    wanted = (output_dir or "").strip()
    if wanted and not allow_custom:
        raise BadInput(
            "This app runs in public mode, so it chooses the folder on the server itself. Leave the folder empty, "
            "and push the model to the Hub to keep it.",
            ko="공개 모드에서는 서버가 저장 폴더를 정해요. 폴더 칸을 비워 두고, 모델을 보관하려면 Hub에 올리세요.",
        )
    if wanted:
        path = Path(wanted).expanduser()
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise BadInput(
                f"'{wanted}' already exists and is not an empty folder. Choose a new folder name, so nothing "
                "is overwritten.",
                ko=f"'{wanted}' 폴더는 이미 있고 비어 있지 않아요. 덮어쓰지 않도록 새 폴더 이름을 고르세요.",
            )
        return path
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = output_root() / f"{_short_name(model)}-{stamp}"
    suffix = 1
    while path.exists():
        suffix += 1
        path = output_root() / f"{_short_name(model)}-{stamp}-{suffix}"
    return path


def check_can_classify(source: ModelSource, config: Any) -> None:
    """``WrongModelKind`` when transformers has no sequence-classification head for this architecture."""
    from transformers import MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING

    if type(config) in MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING:
        return
    suggestions = ", ".join(m.id for m in TASK.models[:3])
    raise WrongModelKind(
        f"'{source.name}' is a {config.model_type} model, and transformers has no sequence-classification head "
        f"for it (AutoModelForSequenceClassification cannot add one). Fine-tune a text encoder instead, e.g. "
        f"{suggestions}.",
        ko=f"'{source.name}' 모델은 {config.model_type} 모델이라 transformers에 문장 분류 헤드가 없어요"
        f"(AutoModelForSequenceClassification이 헤드를 붙일 수 없어요). 텍스트 인코더를 고르세요. 추천: {suggestions}",
    )


def load_base(source: ModelSource, labels: list[str], seed: int, device: str, policy: LoadPolicy) -> tuple[Any, Any]:
    """A fresh copy (never the shared cache: training changes it) of the encoder with a new head for ``labels``."""
    import transformers

    with explained_failures(TASK, source):
        config = transformers.AutoConfig.from_pretrained(source.location)
    check_can_classify(source, config)
    check_download_size(TASK, source, policy)
    transformers.set_seed(seed)  # the new head's random start is part of the run
    with MODEL_BUILD_LOCK, explained_failures(TASK, source), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = transformers.AutoTokenizer.from_pretrained(source.location)
        model = transformers.AutoModelForSequenceClassification.from_pretrained(
            source.location,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            ignore_mismatched_sizes=True,  # a classifier with other labels gets a new head too
        )
    if tokenizer.pad_token is None:  # GPT-style tokenizers have no padding token
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    model.config.pad_token_id = tokenizer.pad_token_id
    return tokenizer, model.to(device)


def _encode(tokenizer: Any, texts: list[str], max_length: int, device: str) -> dict[str, Any]:
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    return {name: tensor.to(device) for name, tensor in batch.items()}


def evaluate(
    model: Any, tokenizer: Any, examples: tuple[Example, ...], labels: list[str], max_length: int
) -> Evaluation:
    """Predict every evaluation row with the model as it is now (dropout off, no gradients)."""
    import torch

    model.eval()
    predictions: list[Prediction] = []
    with torch.inference_mode():
        for start in range(0, len(examples), EVAL_BATCH_SIZE):
            chunk = examples[start : start + EVAL_BATCH_SIZE]
            logits = model(**_encode(tokenizer, [e.text for e in chunk], max_length, model.device)).logits
            probabilities = logits.float().softmax(-1)
            scores, best = probabilities.max(-1)
            predictions += [
                Prediction(text=e.text, label=e.label, predicted=labels[int(i)], score=float(s))
                for e, i, s in zip(chunk, best, scores, strict=True)
            ]
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in predictions:
        matrix[index[p["label"]]][index[p["predicted"]]] += 1
    correct = sum(p["label"] == p["predicted"] for p in predictions)
    return Evaluation(accuracy=correct / len(predictions), predictions=predictions, confusion_matrix=matrix)


def fine_tune(
    data: LabelledData,
    model: str = TASK.default.id,
    settings: TrainingSettings = TrainingSettings(),  # noqa: B008 (frozen dataclass: safe default)
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
    output_dir: str | None = None,
    stop: threading.Event | None = None,
    storage: VisitorStorage | None = None,
    visitor: str = "",
    cache: ModelCache = MODEL_CACHE,
) -> Iterator[Update]:
    """Evaluate, train, evaluate again and save, yielding an ``Update`` after each step of the way.

    Setting ``stop`` ends training before the next step; the model keeps what it learned and is
    still evaluated and saved. The memory training needs is worked out first and refused when it cannot
    fit the model memory budget; the model cache makes room for it, and everything but the saved folder
    is freed at the end. With ``storage`` (public mode) the model is saved in ``visitor``'s folder there,
    within its disk cap, and ``saved_to`` names the folder without its server path.
    """
    import transformers

    settings = settings.check()
    source = resolve_model(model, allow_local=policy.allow_local)
    folder = choose_output_dir(output_dir, source.name, allow_custom=policy.allow_local and storage is None)
    if storage is not None:
        folder = storage.folder(visitor) / folder.name
    resolved_device = resolve_device(device)
    stop = stop or threading.Event()
    started = time.perf_counter()
    labels = list(data.labels)
    with explained_failures(TASK, source):
        config = transformers.AutoConfig.from_pretrained(source.location)
    check_can_classify(source, config)
    memory = estimate(
        config, count_classifier_parameters(config, len(labels)), settings.batch_size, settings.max_length
    )
    check_fits(memory, cache.max_bytes, source.name)
    if storage is not None:
        storage.check_fits(
            memory.weights, f"The fine-tuned copy of '{source.name}'", f"'{source.name}' 모델을 파인튜닝한 사본"
        )
    steps_per_epoch = math.ceil(len(data.train) / settings.batch_size)
    result = FineTuneResult(
        model=source.name,
        labels=labels,
        settings=settings,
        train_rows=len(data.train),
        eval_rows=len(data.eval),
        total_steps=steps_per_epoch * settings.epochs,
        device=resolved_device,
        dropped=list(data.dropped),
    )
    run: dict[str, Any] = {}  # everything big the run holds, dropped in one place at the end
    with cache.reserve(memory.total):
        try:
            yield from _train(data, source, settings, resolved_device, policy, stop, result, run, started)
            if storage is not None:
                storage.sweep(room_for=memory.weights)
            save(run["net"], run["tokenizer"], result, folder, show_path=storage is None)
            if storage is not None:
                storage.sweep(keep=folder)
            yield Update(Stage.SAVED, result)
        finally:
            run.clear()
            release_memory()


def _train(
    data: LabelledData,
    source: ModelSource,
    settings: TrainingSettings,
    device: str,
    policy: LoadPolicy,
    stop: threading.Event,
    result: FineTuneResult,
    run: dict[str, Any],
    started: float,
) -> Iterator[Update]:
    """The course's loop: before, the epochs (with Stop), after. The model and optimizer live in ``run``."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    labels = result.labels
    run["tokenizer"], run["net"] = load_base(source, labels, settings.seed, device, policy)
    tokenizer, net = run["tokenizer"], run["net"]
    result.vocabulary = vocabulary_report(tokenizer, data.train + data.eval, labels, source.name)
    yield Update(Stage.LOADED, result)

    result.before = evaluate(net, tokenizer, data.eval, labels, settings.max_length)
    yield Update(Stage.BEFORE, result)

    label2id = data.label2id
    run["optimizer"] = optimizer = torch.optim.AdamW(net.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(
        optimizer, int(WARMUP_SHARE * result.total_steps), max(result.total_steps, 1)
    )
    shuffle = torch.Generator().manual_seed(settings.seed)
    step = 0
    for epoch in range(1, settings.epochs + 1):
        net.train()
        order = torch.randperm(len(data.train), generator=shuffle).tolist()
        for start in range(0, len(order), settings.batch_size):
            if stop.is_set():
                result.stopped = True
                break
            batch = [data.train[i] for i in order[start : start + settings.batch_size]]
            inputs = _encode(tokenizer, [e.text for e in batch], settings.max_length, net.device)
            targets = torch.tensor([label2id[e.label] for e in batch], device=net.device)
            loss = net(**inputs, labels=targets).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            result.history.append(LossPoint(epoch=epoch, step=step, loss=float(loss.detach())))
            result.seconds = time.perf_counter() - started
            yield Update(Stage.STEP, result)
        if result.stopped:
            break
        accuracy = evaluate(net, tokenizer, data.eval, labels, settings.max_length).accuracy
        result.epochs.append(EpochScore(epoch=epoch, step=step, eval_accuracy=accuracy))
        yield Update(Stage.EPOCH, result)

    result.after = evaluate(net, tokenizer, data.eval, labels, settings.max_length)
    result.seconds = time.perf_counter() - started
    yield Update(Stage.AFTER, result)


def run_to_end(updates: Iterator[Update]) -> FineTuneResult:
    """The final result of a run (for scripts, tests and benchmarks that need no progress)."""
    last = None
    for last in updates:
        pass
    if last is None:
        raise RuntimeError("the run produced nothing")
    return last.result


def notebook_code(
    model: str, settings: TrainingSettings, labels: list[str], data_file: str = "finetune_data.csv"
) -> str:
    """The training script this lab runs, as a plain PyTorch loop, ready for Colab."""
    s = settings
    return f"""# pip install transformers torch pandas
# Upload the CSV from the lab's "Download CSV" button (columns: text, label, split).
import pandas as pd
import torch
from transformers import (AutoModelForSequenceClassification, AutoTokenizer,
                          get_linear_schedule_with_warmup, set_seed)

data = pd.read_csv({data_file!r}).fillna("")
train = data[data["split"] != "eval"]
evaluation = data[data["split"] == "eval"]
labels = {labels!r}  # order of first appearance in the data
label2id = {{label: i for i, label in enumerate(labels)}}

set_seed({s.seed})  # the new head starts from random weights: the seed fixes them
checkpoint = {model!r}
tokenizer = AutoTokenizer.from_pretrained(checkpoint)
# Transfer learning: keep the pretrained encoder, add a new head with one output per label.
model = AutoModelForSequenceClassification.from_pretrained(
    checkpoint, num_labels=len(labels), id2label=dict(enumerate(labels)), label2id=label2id,
    ignore_mismatched_sizes=True,
)


def encode(texts):
    return tokenizer(list(texts), padding=True, truncation=True, max_length={s.max_length}, return_tensors="pt")


def accuracy():
    model.eval()  # dropout off
    with torch.no_grad():  # no gradients: evaluation does not learn
        logits = model(**encode(evaluation["text"])).logits
    predicted = [labels[i] for i in logits.argmax(-1).tolist()]
    return sum(p == gold for p, gold in zip(predicted, evaluation["label"])) / len(evaluation)


print("before fine-tuning:", accuracy())

epochs, batch_size = {s.epochs}, {s.batch_size}
steps = epochs * -(-len(train) // batch_size)
optimizer = torch.optim.AdamW(model.parameters(), lr={s.learning_rate:g}, weight_decay=0.01)
schedule = get_linear_schedule_with_warmup(optimizer, int({WARMUP_SHARE} * steps), steps)
shuffle = torch.Generator().manual_seed({s.seed})
step = 0
for epoch in range(1, epochs + 1):
    model.train()
    order = torch.randperm(len(train), generator=shuffle).tolist()
    for start in range(0, len(order), batch_size):
        batch = train.iloc[order[start : start + batch_size]]
        targets = torch.tensor([label2id[label] for label in batch["label"]])
        loss = model(**encode(batch["text"]), labels=targets).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        print(f"epoch {{epoch}} step {{step}}/{{steps}} loss {{loss.item():.4f}}")
    print(f"epoch {{epoch}}: eval accuracy {{accuracy():.3f}}")

print("after fine-tuning:", accuracy())
model.save_pretrained("my-finetuned-model")
tokenizer.save_pretrained("my-finetuned-model")
"""
