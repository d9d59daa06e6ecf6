"""Load test: many concurrent gradio_client users sending mixed requests to the real app, while one more
visitor floods ``/finetune`` (issues 10, 16). The work is ``tests/kit/load.py``; this is its full run
(50 users × 20 requests, with 40 more asking /generate together: the README's figures).

    .venv/bin/python benchmarks/load_test.py [--users 50] [--requests 20] [--time-limit 900] [--no-flood]
        [--generation-users 40] [--generation-tokens 64]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kit.environment import use_offline_environment  # noqa: E402
from tests.kit.load import run_load_test  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=900)
    parser.add_argument("--no-flood", action="store_true", help="without the visitor flooding /finetune")
    parser.add_argument("--generation-users", type=int, default=40, help="users asking /generate together (issue 20)")
    parser.add_argument("--generation-tokens", type=int, default=64)
    args = parser.parse_args()
    use_offline_environment()
    report = run_load_test(
        args.users,
        args.requests,
        args.time_limit,
        flood=not args.no_flood,
        generation_users=args.generation_users,
        generation_tokens=args.generation_tokens,
    )
    print(report.table())
    for failure in report.failures[:20]:
        print("FAILED:", failure)
    if report.failures:
        print("\nThe app's log ends with:\n" + report.app_log_tail)
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
