"""Saving a fine-tuned model where ``from_pretrained`` reads it, with a model card, and sharing it on the Hub.

Kept apart from the training loop: what a run leaves behind (folder, card, JSON) and the upload with
the student's own token are the parts a student reuses outside the lab.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import BadInput, RemoteFailure
from core.runtime.model_source import hub_offline

if TYPE_CHECKING:
    from core.finetune.results import FineTuneResult

#: The run's settings, scores and curve, saved beside the model.
RESULT_FILE = "playground_finetune.json"


def model_card(result: FineTuneResult) -> Any:
    """A Hub model card (YAML metadata + a readable summary) through huggingface_hub's ModelCard."""
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    name = Path(result.saved_to or "model").name
    after = result.after.accuracy if result.after else None
    data = ModelCardData(
        base_model=result.model if "/" in result.model and not Path(result.model).exists() else None,
        library_name="transformers",
        pipeline_tag="text-classification",
        tags=["text-classification", "pipeline-playground"],
        model_name=name,
        eval_results=[
            EvalResult(
                task_type="text-classification",
                dataset_type="csv",
                dataset_name="held-out evaluation rows",
                metric_type="accuracy",
                metric_value=round(after, 4),
            )
        ]
        if after is not None
        else None,
    )
    settings = "\n".join(f"- {key}: {value}" for key, value in asdict(result.settings).items())
    before = f"{result.before.accuracy:.1%}" if result.before else "–"
    stopped = " Training was stopped early by the user." if result.stopped else ""
    content = f"""---
{data.to_yaml()}
---

# {name}

A text classifier fine-tuned in the Pipeline Playground's fine-tuning lab from `{result.model}`,
with a new classification head for the labels: {", ".join(f"`{label}`" for label in result.labels)}.

## Training

- training rows: {result.train_rows}, held-out evaluation rows: {result.eval_rows}
- steps: {result.steps_done} of {result.total_steps} (plain PyTorch loop, AdamW, linear schedule with warm-up).{stopped}
{settings}

## Evaluation (held-out rows)

| | accuracy |
|---|---|
| before fine-tuning (untrained head) | {before} |
| after fine-tuning | {f"{after:.1%}" if after is not None else "–"} |

## Use it

```python
from transformers import pipeline

classifier = pipeline("text-classification", model="path/to/{name}")
print(classifier("I like apple", top_k=None))
```

The evaluation set is small; treat the accuracy as a classroom measurement, not a benchmark.
"""
    return ModelCard(content)


def save(model: Any, tokenizer: Any, result: FineTuneResult, folder: Path, *, show_path: bool = True) -> Path:
    """Model, tokenizer, model card (README.md) and this run's JSON, in one folder that from_pretrained reads.

    ``show_path`` False (public mode): ``saved_to`` is the folder's name, not where it is on the server.
    """
    folder.mkdir(parents=True, exist_ok=True)
    result.folder = folder.resolve()
    result.saved_to = str(result.folder) if show_path else folder.name
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    model_card(result).save(folder / "README.md")
    (folder / RESULT_FILE).write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def push_to_hub(folder: str | None, repo_id: str, token: str | None, *, private: bool = True) -> str:
    """Upload a saved folder to the user's Hub repository with the user's token; the repository's URL."""
    token = (token or "").strip()
    if not token:
        raise BadInput(
            "Pushing to the Hub needs your access token (a 'write' token from https://huggingface.co/settings/tokens). "
            "Paste it in the token box; it is used for this upload only and never stored.",
            ko="Hub에 올리려면 액세스 토큰(https://huggingface.co/settings/tokens 의 'write' 토큰)이 필요해요. "
            "토큰 칸에 붙여 넣으세요. 이번 업로드에만 쓰고 저장하지 않아요.",
        )
    if not folder or not (Path(folder) / "config.json").is_file():
        raise BadInput(
            "There is no saved model to push yet. Train (it saves at the end), then push.",
            ko="아직 올릴 저장된 모델이 없어요. 먼저 학습하세요(끝나면 저장돼요).",
        )
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    repo_id = (repo_id or "").strip()
    try:
        if repo_id.count("/") != 1:
            raise HFValidationError("it must be 'your-name/model-name'")
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise BadInput(
            f"'{repo_id}' is not a repository id to push to ({error}). Write it as 'your-name/model-name'.",
            ko=f"입력한 '{repo_id}' 값은 올바른 저장소 id가 아니에요. '내-아이디/모델-이름' 형식으로 쓰세요.",
        ) from None
    if hub_offline():
        raise RemoteFailure(
            "The app is offline (--offline or HF_HUB_OFFLINE=1), so it cannot push to the Hub. The model is saved "
            f"in '{folder}': upload it later with `huggingface-cli upload {repo_id} {folder}`.",
            ko=f"앱이 오프라인이라 Hub에 올릴 수 없어요. 모델은 '{folder}'에 저장돼 있어요. "
            f"나중에 `huggingface-cli upload {repo_id} {folder}`로 올리세요.",
        )
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=folder, commit_message="Upload from the Pipeline Playground")
    except HfHubHTTPError as error:
        status = getattr(error.response, "status_code", None)
        if status in (401, 403):
            raise BadInput(
                f"The Hub refused the token for '{repo_id}' (HTTP {status}). Use a token with 'write' access, "
                "and push to your own account or an organisation you belong to.",
                ko=f"Hub가 '{repo_id}'에 대한 토큰을 거부했어요(HTTP {status}). 'write' 권한 토큰을 쓰고, "
                "내 계정이나 속한 조직에 올리세요.",
            ) from None
        raise RemoteFailure(
            f"The Hub did not accept the upload: {str(error).splitlines()[0]}", ko="Hub가 업로드를 받지 않았어요."
        ) from None
    except (OSError, ConnectionError) as error:
        raise RemoteFailure(
            f"The Hub could not be reached ({type(error).__name__}). Check the connection and try again.",
            ko="Hub에 연결하지 못했어요. 인터넷 연결을 확인하고 다시 시도하세요.",
        ) from None
    return f"https://huggingface.co/{repo_id}"
