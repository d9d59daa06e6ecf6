"""transformers 4.57.6 beside the project, for differential tests against the pipelines v5 removed.

The reference never enters the project's environment. ``ensure_reference`` installs its pinned wheels
once, with the venv's own pip (``--no-deps --target``), into a cache folder named by the version;
``run_reference`` runs this file as a script in a subprocess with that folder first on ``PYTHONPATH``
(torch, numpy and the rest still come from the venv) and hands it every job at once, as JSON.

Run as a script (``python tests/reference_v4.py JOBS.json ANSWERS.json``), it is the child: it imports
only the standard library at the top, so the transformers it finds is the reference's.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REFERENCE_VERSION = "4.57.6"
#: 4.57.6 and what it needs that the venv lacks or has too new (its pins: huggingface_hub<1.0,
#: tokenizers>=0.22,<=0.23.0; huggingface_hub 0.x imports requests). Wheels for CPython 3.11 exist for all.
REQUIREMENTS = (
    f"transformers=={REFERENCE_VERSION}",
    "huggingface_hub==0.36.2",
    "tokenizers==0.22.2",
    "requests==2.34.2",
    "urllib3==2.8.0",
    "charset_normalizer==3.5.3",
)
#: A cache folder per version; PLAYGROUND_REFERENCE_CACHE moves the parent folder (CI may keep it between runs).
CACHE_VARIABLE = "PLAYGROUND_REFERENCE_CACHE"
INSTALL_TIMEOUT = 900
RUN_TIMEOUT = 600
_MARKER = "installed.json"


def reference_dir() -> Path:
    base = os.environ.get(CACHE_VARIABLE) or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "pipeline-playground"
    )
    return Path(base) / f"reference-{REFERENCE_VERSION}"


def _installed(folder: Path) -> bool:
    try:
        return json.loads((folder / _MARKER).read_text())["requirements"] == list(REQUIREMENTS)
    except (OSError, ValueError, KeyError):
        return False


def ensure_reference() -> Path:
    """The folder holding transformers 4.57.6 and its pinned companions; installed now when absent."""
    import fcntl

    folder = reference_dir()
    if _installed(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once: one installs, the other waits
        if _installed(folder):
            return folder
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        command = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-input", "--target", str(staging)]
        done = subprocess.run(
            [*command, *REQUIREMENTS], capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"pip could not install the reference {REQUIREMENTS}:\n{done.stdout}\n{done.stderr}")
        (staging / _MARKER).write_text(json.dumps({"requirements": list(REQUIREMENTS)}))
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        staging.rename(folder)  # whole or not at all: an interrupted install leaves only a staging folder
    return folder


def run_reference(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answer every job with transformers 4.57.6, in one subprocess; one answer per job, in order."""
    folder = ensure_reference()
    with tempfile.TemporaryDirectory(prefix="reference-v4-") as scratch:
        jobs_file, answers_file = Path(scratch, "jobs.json"), Path(scratch, "answers.json")
        jobs_file.write_text(json.dumps(jobs, ensure_ascii=False))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
        # One thread: tiny models gain nothing from more, and on a busy machine idle threads spin.
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TRANSFORMERS_VERBOSITY="error", OMP_NUM_THREADS="1")
        done = subprocess.run(
            [sys.executable, __file__, str(jobs_file), str(answers_file)],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the reference run failed ({done.returncode}):\n{done.stderr[-4000:]}")
        return json.loads(answers_file.read_text())


def job_key(job: dict[str, Any]) -> str:
    """A short stable name for a job, for messages."""
    return hashlib.sha1(json.dumps(job, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


# --- the child: runs with transformers 4.57.6 first on sys.path ----------------------------------------------


def _plain(value: Any) -> Any:
    """numpy and torch scalars → JSON numbers; tuples → lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def _tokenizer(folder: str) -> Any:
    """The folder's tokenizer as v4 loads it, past two things only transformers 5 writes in tokenizer_config.json:
    ``extra_special_tokens`` as a list (v4 wants a dict) and the class name ``TokenizersBackend``."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast

    config = json.loads(Path(folder, "tokenizer_config.json").read_text())
    options: dict[str, Any] = {}
    extra = config.get("extra_special_tokens")
    if isinstance(extra, list):
        options["extra_special_tokens"] = {}
        if extra:
            options["additional_special_tokens"] = extra
    if config.get("tokenizer_class") == "TokenizersBackend":
        return PreTrainedTokenizerFast.from_pretrained(folder, **options)
    return AutoTokenizer.from_pretrained(folder, **options)


class _Reference:
    """v4's pipelines, one per (task, model), built on first use."""

    def __init__(self) -> None:
        self.pipelines: dict[tuple[str, str], Any] = {}

    def pipeline(self, task: str, model: str) -> Any:
        from transformers import pipeline

        if (task, model) not in self.pipelines:
            self.pipelines[task, model] = pipeline(task, model=model, tokenizer=_tokenizer(model), device=-1)
        return self.pipelines[task, model]

    def question_answering(self, job: dict[str, Any]) -> dict[str, Any]:
        qa = self.pipeline("question-answering", job["model"])
        output = qa(question=job["question"], context=job["context"], **job.get("options", {}))
        return {"answers": _plain(output if isinstance(output, list) else [output])}

    def generation(self, job: dict[str, Any]) -> dict[str, Any]:
        """What v4's summarization/translation pipeline hands to ``generate``, as ``generate`` resolves it."""
        pipe = self.pipeline(job["task"], job["model"])
        seen: dict[str, Any] = {}
        model = pipe.model
        original = model._prepare_generated_length

        def capture(generation_config, *args, **kwargs):
            final = original(generation_config, *args, **kwargs)
            seen["config"] = final.to_dict()
            raise _Captured

        def capture_inputs(*args, **kwargs):
            seen["input_ids"] = kwargs["input_ids"][0].tolist()
            return generate(*args, **kwargs)

        generate = model.generate
        model._prepare_generated_length = capture
        model.generate = capture_inputs
        try:
            pipe(job["text"], **job.get("options", {}))
        except _Captured:
            pass
        finally:
            model._prepare_generated_length = original
            model.generate = generate
        return {"input_ids": seen["input_ids"], "config": _plain(seen["config"]), "prefix": pipe.prefix}


class _Captured(Exception):
    """Raised once generate has resolved its settings: the settings are the answer, not the text."""


def _child(jobs_file: str, answers_file: str) -> None:
    import transformers

    if transformers.__version__ != REFERENCE_VERSION:
        raise SystemExit(f"expected transformers {REFERENCE_VERSION}, found {transformers.__version__}")
    reference = _Reference()
    answers = []
    for job in json.loads(Path(jobs_file).read_text()):
        try:
            answers.append(getattr(reference, job["kind"])(job))
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # v4 refusing an input is an answer too (tokenizers panics included)
            answers.append({"error": f"{type(error).__name__}: {error}"})
    Path(answers_file).write_text(json.dumps(answers, ensure_ascii=False))


if __name__ == "__main__":
    _child(*sys.argv[1:3])
