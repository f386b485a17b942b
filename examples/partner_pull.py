"""A partner system's incremental pull of its deals, with gql and an API key.

Pages through `deals` ordered by UPDATED_AT with cursors, asks only for what changed since the
last run (`updatedSince`), and keeps its position in a small state file after every page, so
an interrupted pull resumes where it stopped. Run it again tomorrow and it fetches only the
day's changes.

    python examples/partner_pull.py --url http://127.0.0.1:8000/graphql \\
        --api-key pgw_… --state acme-pull.json --out acme-deals.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gql import Client, gql
from gql.transport.httpx import HTTPXTransport
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

PAGE = gql(
    """
    query Pull($first: Int!, $after: String, $since: DateTime) {
      deals(first: $first, after: $after,
            filter: {updatedSince: $since},
            orderBy: {field: UPDATED_AT, direction: ASC}) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id customerName customerDomain amount currency stage status updatedAt }
      }
    }
    """
)

# Rows changed while a pull runs may be re-read on the next run; a small overlap makes sure a
# row updated in the same instant as the last one seen is never skipped.
OVERLAP = timedelta(seconds=1)


def load_state(path: Path) -> dict[str, Any]:
    if path.exists():
        state: dict[str, Any] = json.loads(path.read_text())
        return state
    return {"since": None, "after": None, "high_water": None}


def save_state(path: Path, state: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    temporary.replace(path)  # atomic: a crash never leaves half a state file


def pull(url: str, api_key: str, state_path: Path, out_path: Path, page_size: int) -> int:
    state = load_state(state_path)
    transport = HTTPXTransport(url=url, headers={"X-API-Key": api_key}, timeout=30)
    client = Client(transport=transport, fetch_schema_from_transport=False)
    pulled = 0
    with client as session, out_path.open("a") as out, Progress(
        TextColumn("pulling deals"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as progress:
        task = progress.add_task("pull", total=None)
        while True:
            result = session.execute(
                PAGE,
                variable_values={
                    "first": page_size,
                    "after": state["after"],
                    "since": state["since"],
                },
            )
            deals = result["deals"]
            progress.update(task, total=deals["totalCount"])
            for node in deals["nodes"]:
                out.write(json.dumps(node) + "\n")
                state["high_water"] = max(state["high_water"] or "", node["updatedAt"])
            pulled += len(deals["nodes"])
            progress.advance(task, len(deals["nodes"]))
            if not deals["pageInfo"]["hasNextPage"]:
                break
            state["after"] = deals["pageInfo"]["endCursor"]
            out.flush()
            save_state(state_path, state)
    # The run is complete: next time, start from what changed after the newest row seen.
    if state["high_water"] is not None:
        newest = datetime.fromisoformat(state["high_water"])
        state["since"] = (newest - OVERLAP).isoformat()
    state["after"] = None
    save_state(state_path, state)
    return pulled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--state", type=Path, default=Path("pull-state.json"))
    parser.add_argument("--out", type=Path, default=Path("deals.jsonl"))
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()
    count = pull(args.url, args.api_key, args.state, args.out, args.page_size)
    print(f"pulled {count} deal(s) into {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
