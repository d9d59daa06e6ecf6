"""transformers' names imported once, under a lock, before the first handler uses them.

transformers 5 resolves its top-level names lazily; two threads asking for the first time at once can
see a half-initialised module and get "cannot import name 'AutoTokenizer' from 'transformers'" (a
known race). The first requests of a class arrive together, each in its own worker thread, so the first
one imports these names alone and the others wait for it; afterwards this is one flag check.
"""

import threading
import time

_LOCK = threading.Lock()
_READY = threading.Event()
#: How long the first import keeps trying while a thread outside the lock is still importing transformers.
IMPORT_PATIENCE_SECONDS = 60.0
NAMES = (
    "AutoConfig",
    "AutoTokenizer",
    "AutoModel",
    "BatchEncoding",
    "pipeline",
    "set_seed",
    "TextIteratorStreamer",
    "StoppingCriteriaList",
    "get_linear_schedule_with_warmup",
    "MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING",
)


def import_transformers_once() -> None:
    """Import the transformers names core uses, once per process, one thread at a time.

    A thread that imports transformers without this lock (some code path not wrapped in it) can still be
    half-way through when the first locked import runs, which then sees ``AttributeError`` for a name that
    exists; the locked import waits and tries again until the other thread is done."""
    if _READY.is_set():
        return
    with _LOCK:
        if _READY.is_set():
            return
        deadline = time.monotonic() + IMPORT_PATIENCE_SECONDS
        while True:
            try:
                import transformers

                for name in NAMES:
                    getattr(transformers, name)
                break
            except (AttributeError, ImportError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        _READY.set()
