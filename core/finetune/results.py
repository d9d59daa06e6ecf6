"""What a fine-tuning run reports: its stages, evaluations, loss curve and the /finetune JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from core.finetune.data import DroppedRow
from core.finetune.vocab import VocabularyReport

if TYPE_CHECKING:
    from core.finetune.train import TrainingSettings


class Prediction(TypedDict):
    text: str
    label: str
    predicted: str
    score: float


class LossPoint(TypedDict):
    epoch: int
    step: int
    loss: float


class EpochScore(TypedDict):
    epoch: int
    step: int
    eval_accuracy: float


@dataclass
class Evaluation:
    """Accuracy, per-sentence predictions and the confusion matrix (rows: true label, columns: predicted)."""

    accuracy: float
    predictions: list[Prediction]
    confusion_matrix: list[list[int]]

    def to_json(self) -> dict[str, Any]:
        correct = sum(p["label"] == p["predicted"] for p in self.predictions)
        return {
            "accuracy": self.accuracy,
            "correct": correct,
            "total": len(self.predictions),
            "confusion_matrix": self.confusion_matrix,
            "predictions": self.predictions,
        }


class Stage(str, Enum):
    LOADED = "loaded"
    BEFORE = "before"
    STEP = "step"
    EPOCH = "epoch"
    AFTER = "after"
    SAVED = "saved"


@dataclass
class FineTuneResult:
    """Everything a run produced so far; complete once ``saved_to`` is set."""

    model: str
    labels: list[str]
    settings: TrainingSettings
    train_rows: int
    eval_rows: int
    total_steps: int
    device: str = "cpu"
    before: Evaluation | None = None
    after: Evaluation | None = None
    history: list[LossPoint] = field(default_factory=list)
    epochs: list[EpochScore] = field(default_factory=list)
    stopped: bool = False
    #: Where the model was saved, as the student should see it: the full path on the owner's machine, the
    #: folder's name alone in public mode (no server path is ever shown to a visitor).
    saved_to: str | None = None
    seconds: float = 0.0
    #: Rows of the data left out before training (repeats, settled conflicts).
    dropped: list[DroppedRow] = field(default_factory=list)
    #: What the base model's tokenizer makes of the data (set once the tokenizer is loaded).
    vocabulary: VocabularyReport | None = None
    #: The saved folder itself, for the server's own use (push, zip, "use it"); never in the JSON.
    folder: Path | None = None

    @property
    def steps_done(self) -> int:
        return self.history[-1]["step"] if self.history else 0

    def to_json(self) -> dict[str, Any]:
        """The /finetune contract: labels, before, after, history, saved_to (and the settings and facts)."""
        return {
            "labels": list(self.labels),
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
            "history": [dict(point) for point in self.history],
            "epochs": [dict(score) for score in self.epochs],
            "saved_to": self.saved_to,
            "stopped": self.stopped,
            "steps": self.steps_done,
            "total_steps": self.total_steps,
            "model": self.model,
            "settings": asdict(self.settings),
            "train_rows": self.train_rows,
            "eval_rows": self.eval_rows,
            "device": self.device,
            "seconds": round(self.seconds, 2),
            "dropped": [row.to_json() for row in self.dropped],
            "vocabulary": self.vocabulary.to_json() if self.vocabulary else None,
        }


@dataclass
class Update:
    """One moment of a run, for the UI: what just happened and the result so far."""

    stage: Stage
    result: FineTuneResult
