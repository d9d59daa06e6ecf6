"""A fair queue for a shared link: how much one visitor may have waiting, and in which order work is served.

gradio's queue is first come, first served inside each concurrency group, with one size limit for everyone: a
visitor who sends 140 fine-tunes in a second fills it, and the class gets "Queue is full" for minutes. Here
each visitor (a browser session, and the address it comes from) may have only a few calls waiting or running,
one heavy call per heavy group (a fine-tune, a model comparison, a generation), and a few fine-tunes per
address; a call over a limit is refused at once, saying why and when to retry. Inside a group, a visitor's
second call waits behind everyone's first (round robin by session). Plain Python: tabs/fair_queue.py applies it
to gradio's queue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from core.localized import Localized
from core.public.storage import env_number


@dataclass(frozen=True)
class HeavyGroup:
    """A concurrency group of its own for slow events, so they never hold the light ones' workers."""

    group: str
    concurrency: int
    #: How many of these one address may have waiting or running (None: only the per-session limit of one).
    per_address: int | None = None


#: Generations running at once: they share the model's decoding steps (core/generation/batcher.py), so more
#: at once cost little more per step; past the batch's rows they wait there with an estimate of the wait,
#: past this number in gradio's queue with its place in line.
GENERATE_CONCURRENCY = 48

#: api_name → its group. Everything else keeps gradio's default: a group per event, two at a time.
HEAVY_GROUPS: dict[str, HeavyGroup] = {
    "finetune": HeavyGroup("finetune", 1, per_address=2),
    "compare": HeavyGroup("compare", 1),
    "compare_decoding": HeavyGroup("compare_decoding", 1),
    "generate": HeavyGroup("generate", GENERATE_CONCURRENCY),
    "remote_compare": HeavyGroup("remote_compare", 2),
}


@dataclass(frozen=True)
class QueueLimits:
    """Per-visitor limits; ``from_env`` reads them from the environment (see README, public mode)."""

    #: Calls one browser session may have waiting or running, all tabs together.
    per_session: int = 6
    #: Calls one address may have waiting or running (a classroom behind one router shares an address).
    per_address: int = 80

    @classmethod
    def from_env(cls) -> QueueLimits:
        return cls(
            per_session=int(env_number("PLAYGROUND_QUEUE_PER_VISITOR", 6)),
            per_address=int(env_number("PLAYGROUND_QUEUE_PER_ADDRESS", 80)),
        )


@dataclass(frozen=True)
class Ticket:
    """One call in the queue, waiting or running."""

    session: str
    address: str
    task: str
    running: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why a call was not queued, in English and Korean, and in how many seconds to try again."""

    en: str
    ko: str
    retry_after_s: int

    def text(self, language: str) -> str:
        return Localized(self.en, self.ko).text(language)


def _wait(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _wait_ko(seconds: float) -> str:
    return f"{seconds:.0f}초" if seconds < 90 else f"{seconds / 60:.0f}분"


def admission(
    pending: list[Ticket],
    new: Ticket,
    limits: QueueLimits,
    *,
    expected_s: float = 5.0,
    heavy: dict[str, HeavyGroup] = HEAVY_GROUPS,  # noqa: B006 (read-only table)
) -> Refusal | None:
    """None when ``new`` may join the queue beside ``pending``; otherwise the ``Refusal`` to answer with.

    ``expected_s`` is how long one call of ``new.task`` usually takes (for the retry hint).
    """
    same_session = [t for t in pending if t.session == new.session]
    same_address = [t for t in pending if t.address == new.address]
    group = heavy.get(new.task)
    if group is not None:
        mine = [t for t in same_session if heavy.get(t.task) == group]
        if mine:
            retry = max(1, round(expected_s))
            return Refusal(
                f"You already have a {new.task} call waiting or running; each visitor gets one at a time, so the "
                f"class can share the server. Try again when it has finished (about {_wait(retry)}).",
                f"이미 {new.task} 작업이 대기 중이거나 실행 중이에요. 모두가 서버를 나눠 쓰도록 한 사람당 한 번에 하나씩만 "
                f"돼요. 끝난 뒤(약 {_wait_ko(retry)} 후) 다시 시도하세요.",
                retry,
            )
        if group.per_address is not None:
            ours = [t for t in same_address if heavy.get(t.task) == group]
            if len(ours) >= group.per_address:
                retry = max(1, round(expected_s * len(ours)))
                return Refusal(
                    f"{len(ours)} {new.task} calls from your network are already waiting or running (the limit is "
                    f"{group.per_address}). Try again in about {_wait(retry)}.",
                    f"같은 네트워크에서 {new.task} 작업 {len(ours)}개가 이미 대기 중이거나 실행 중이에요"
                    f"(한도 {group.per_address}개). 약 {_wait_ko(retry)} 후 다시 시도하세요.",
                    retry,
                )
    if len(same_session) >= limits.per_session:
        retry = max(1, round(expected_s))
        return Refusal(
            f"You have {len(same_session)} requests waiting or running already (the limit per visitor is "
            f"{limits.per_session}). Wait for their answers, then try again in about {_wait(retry)}.",
            f"이미 요청 {len(same_session)}개가 대기 중이거나 실행 중이에요(한 사람당 {limits.per_session}개까지). "
            f"답이 온 뒤 약 {_wait_ko(retry)} 후 다시 시도하세요.",
            retry,
        )
    if len(same_address) >= limits.per_address:
        retry = max(1, round(expected_s))
        return Refusal(
            f"Your network has {len(same_address)} requests waiting or running (the limit per address is "
            f"{limits.per_address}). Try again in about {_wait(retry)}.",
            f"같은 네트워크에서 요청 {len(same_address)}개가 대기 중이거나 실행 중이에요(주소당 {limits.per_address}개까지). "
            f"약 {_wait_ko(retry)} 후 다시 시도하세요.",
            retry,
        )
    return None


def fair_order(sessions: list[str]) -> list[int]:
    """Positions of a group's waiting calls (given by session, oldest first) in round-robin order: everyone's
    first call, then everyone's second, each round in arrival order."""
    seen: Counter[str] = Counter()
    rank = []
    for position, session in enumerate(sessions):
        rank.append((seen[session], position))
        seen[session] += 1
    return [position for _, position in sorted(rank)]


@dataclass(frozen=True)
class TaskLoad:
    task: str
    running: int
    waiting: int
    visitors: int


def queue_load(tickets: list[Ticket]) -> list[TaskLoad]:
    """Running and waiting calls per task, and how many visitors they come from, busiest first."""
    running: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    visitors: defaultdict[str, set[str]] = defaultdict(set)
    for ticket in tickets:
        (running if ticket.running else waiting)[ticket.task] += 1
        visitors[ticket.task].add(ticket.session)
    loads = [TaskLoad(task, running[task], waiting[task], len(visitors[task])) for task in visitors]
    return sorted(loads, key=lambda load: (-(load.running + load.waiting), load.task))
