"""transformers' names imported once, under a lock, before the first handler uses them.

transformers 5 resolves its top-level names lazily; two threads asking for the first time at once can
see a half-initialised module and get "cannot import name 'AutoTokenizer' from 'transformers'" (a
known race). The first requests of a class arrive together, each in its own worker thread, so the first
one imports these names alone and the others wait for it; afterwards this is one flag check.
"""

import threading

_LOCK = threading.Lock()
_READY = threading.Event()


def import_transformers_once() -> None:
    """Import the transformers names core uses, once per process, one thread at a time."""
    if _READY.is_set():
        return
    with _LOCK:
        if _READY.is_set():
            return
        import transformers

        for name in (
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
        ):
            getattr(transformers, name)
        _READY.set()
