"""What the remote backend adds on top of a bare InferenceClient call, measured on loopback.

Starts the tests' fake router on 127.0.0.1 (no internet), then times N text-classification
calls three ways: a bare ``InferenceClient`` reused across calls, a new ``InferenceClient`` per
call (what we do, so no token outlives its request), and ``core.remote.run_remote`` (checks,
adapter, answer validation). Real latency to Hugging Face is dominated by the network and the
model; this shows our own cost stays negligible next to it.

    python benchmarks/remote_overhead.py [N]
"""

import os
import statistics
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from huggingface_hub import InferenceClient  # noqa: E402

from core.remote import Credential, RemoteInputs, RemoteSettings, TokenSource, run_remote  # noqa: E402
from tests.kit.fake_router import FakeRouter, Reply  # noqa: E402

TOKEN = "hf_" + "b" * 34
ANSWER = [[{"label": "POSITIVE", "score": 0.9}, {"label": "NEGATIVE", "score": 0.1}]]


def timed(n: int, call) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(n: int = 200) -> None:
    router = FakeRouter()
    url = router.url.replace("{model}", "org/model")
    shared = InferenceClient(base_url=url, token=TOKEN)
    settings = RemoteSettings(base_url=router.url)
    credential = Credential(TokenSource.TYPED, TOKEN)
    ways = {
        "bare InferenceClient (reused)": lambda: shared.text_classification("I like apple"),
        "new InferenceClient per call": lambda: InferenceClient(base_url=url, token=TOKEN).text_classification(
            "I like apple"
        ),
        "core.remote.run_remote": lambda: run_remote(
            "classify", RemoteInputs(text="I like apple"), "org/model", credential=credential, settings=settings
        ),
    }
    print(f"{n} calls each, loopback, ms per call")
    for name, call in ways.items():
        router.answer("org/model", *[Reply(200, ANSWER)] * (n + 5))
        call()  # warm up
        samples = timed(n, call)
        print(f"{name:32} median {statistics.median(samples):6.2f}  p95 {sorted(samples)[int(0.95 * n)]:6.2f}")
        router.reset()
    router.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
