"""Issue 16, finding 1: one visitor flooding /finetune must not lock the class out of the queue."""

import concurrent.futures
import time
from types import SimpleNamespace

import pytest

from core.public.fair_queue import (
    GENERATE_CONCURRENCY,
    HEAVY_GROUPS,
    QueueLimits,
    Ticket,
    admission,
    fair_order,
    queue_load,
)
from tests.kit.load import FLOOD_TABLE as TINY_TABLE
from tests.kit.raw_http import call

LIMITS = QueueLimits(per_session=3, per_address=5)


def test_a_second_fine_tune_from_the_same_visitor_is_refused_with_the_reason_and_a_wait():
    running = [Ticket("s1", "10.0.0.1", "finetune", running=True)]
    refusal = admission(running, Ticket("s1", "10.0.0.1", "finetune"), LIMITS, expected_s=42)
    assert refusal is not None and refusal.retry_after_s == 42
    assert "one at a time" in refusal.en and "42 s" in refusal.en and "42초" in refusal.ko
    assert admission(running, Ticket("s2", "10.0.0.2", "finetune"), LIMITS) is None


def test_fine_tunes_from_one_address_are_capped_even_with_new_sessions():
    per_address = HEAVY_GROUPS["finetune"].per_address
    pending = [Ticket(f"s{i}", "10.0.0.9", "finetune") for i in range(per_address)]
    assert admission(pending, Ticket("fresh", "10.0.0.9", "finetune"), LIMITS) is not None
    assert admission(pending, Ticket("fresh", "10.0.0.8", "finetune"), LIMITS) is None


def test_light_calls_are_capped_per_session_and_per_address():
    mine = [Ticket("s1", "a", "classify") for _ in range(3)]
    assert "limit per visitor is 3" in admission(mine, Ticket("s1", "a", "ner"), LIMITS).en
    assert admission(mine, Ticket("s2", "a", "ner"), LIMITS) is None
    network = [Ticket(f"s{i}", "a", "classify") for i in range(5)]
    assert "limit per address is 5" in admission(network, Ticket("s9", "a", "ner"), LIMITS).en
    assert admission(network, Ticket("s9", "b", "ner"), LIMITS) is None


def test_the_queue_is_served_round_robin_by_visitor():
    sessions = ["flood", "flood", "flood", "alice", "flood", "bob", "alice"]
    order = [sessions[i] for i in fair_order(sessions)]
    assert order[:3] == ["flood", "alice", "bob"]
    assert fair_order(sessions) == sorted(fair_order(sessions), key=fair_order(sessions).index)
    assert sorted(fair_order(sessions)) == list(range(len(sessions)))


def test_the_teachers_queue_line_counts_running_and_waiting_work_per_task():
    from tabs.fair_queue import status_line

    def event(session: str, api_name: str):
        request = SimpleNamespace(client=SimpleNamespace(host="10.0.0.1"), headers={})
        return SimpleNamespace(session_hash=session, request=request, fn=SimpleNamespace(api_name=api_name, fn=None))

    queue = SimpleNamespace(
        event_queue_per_concurrency_id={
            "finetune": SimpleNamespace(queue=[event("a", "finetune"), event("b", "finetune")]),
            "7": SimpleNamespace(queue=[event("c", "classify")]),
        },
        active_jobs=[[event("d", "finetune")], None, [event("c", "classify")]],
    )
    line = status_line(queue)
    assert line.startswith("Queue: `finetune` 1 running · 2 waiting (3 visitors)")
    assert "`classify` 1 running · 1 waiting (1 visitors)" in line
    assert "실행 1 · 대기 2 (3명)" in status_line(queue, "ko")
    assert queue_load([]) == [] and status_line(None) == "Queue: empty."


def test_heavy_events_have_their_own_concurrency_groups():
    import app

    demo = app.build_app(public=True, offline=True)
    from tabs.fair_queue import apply_heavy_groups

    apply_heavy_groups(demo)
    groups = {fn.api_name: (fn.concurrency_id, fn.concurrency_limit) for fn in demo.fns.values() if fn.api_name}
    assert groups["finetune"] == ("finetune", 1)
    assert groups["compare"] == ("compare", 1)
    assert groups["compare_decoding"] == ("compare_decoding", 1)
    assert groups["generate"] == ("generate", GENERATE_CONCURRENCY)
    assert groups["classify"][0] not in {g.group for g in HEAVY_GROUPS.values()}


def test_a_branched_generation_queues_with_generate_and_stop_cancels_it():
    """Clicking a next-token candidate generates through a private event: it must share /generate's group (a
    class clicking candidates cannot take slots of its own) and the Stop button must cancel it too."""
    import app
    from tabs.fair_queue import apply_heavy_groups

    demo = app.build_app(public=True, offline=True)
    apply_heavy_groups(demo)
    fns = list(demo.fns.values())
    generate = next(fn for fn in fns if fn.api_name == "generate")
    same_handler = [fn for fn in fns if fn is not generate and fn.fn is not None and fn.fn.__name__ == "run_generate"]
    assert same_handler, "the branched generation is no longer wired"
    for fn in same_handler:
        assert (fn.concurrency_id, fn.concurrency_limit) == ("generate", None)
    stops = [fn for fn in fns if fn.cancels and generate._id in fn.cancels]
    assert stops and all(all(fn._id in stop.cancels for fn in same_handler) for stop in stops)


@pytest.fixture
def flood_finetune(public_app_url):
    """Send ``count`` /finetune calls at once from one gradio_client session; the futures."""
    from gradio_client import Client

    flooder = Client(public_app_url, verbose=False)
    jobs = []

    def flood(count: int):
        for _ in range(count):
            jobs.append(
                flooder.submit(
                    data=None,
                    model="sentence-transformers/all-MiniLM-L6-v2",
                    epochs=1,
                    rows=TINY_TABLE,
                    api_name="/finetune",
                )
            )
        return jobs

    yield flood
    for job in jobs:
        job.cancel()


def test_a_flood_of_fine_tunes_from_one_visitor_leaves_the_class_served(
    flood_finetune, public_app_url, cached_tiny_classifier
):
    from gradio_client import Client

    jobs = flood_finetune(40)
    student = Client(public_app_url, verbose=False)
    started = time.perf_counter()
    raw = student.predict("I like apple", cached_tiny_classifier, api_name="/classify")[0]
    assert {row["label"] for row in raw} and time.perf_counter() - started < 30

    outcomes = []
    for job in jobs:
        try:
            job.result(timeout=120)
            outcomes.append("done")
        except Exception as error:  # the refused ones: what the flooder's client saw
            outcomes.append(str(error))
    refused = [o for o in outcomes if "429" in o]
    assert len(refused) >= len(jobs) - 1, outcomes[:3]
    assert outcomes.count("done") <= 1


def test_a_refused_call_says_why_and_when_to_retry(public_app_url):
    """gradio's simple API has no session, so the address counts: two fine-tunes per address at most."""
    arguments = {"data": None, "model": "sentence-transformers/all-MiniLM-L6-v2", "epochs": 1, "rows": TINY_TABLE}
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: call(public_app_url, "/finetune", arguments), range(6)))
    refused = [data for event, data in answers if event == "http 429"]
    assert len(refused) >= 3, answers
    assert "from your network are already waiting or running" in refused[0] and "Try again in about" in refused[0]
