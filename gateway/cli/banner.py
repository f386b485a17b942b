"""What `demo` prints once the gateway is about to serve: where to go and what to try."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax

EXAMPLE_QUERY = """\
{
  partners(first: 3) {
    totalCount
    edges {
      node {
        name
        tier
        deals(first: 2, orderBy: {field: AMOUNT, direction: DESC}) {
          nodes { customerName amount status owner { email } }
        }
      }
    }
  }
}"""


def print_banner(
    console: Console,
    url: str,
    credentials: list[tuple[str, str]],
    *,
    data_dir: Path | None,
    crm: str | None = None,
) -> None:
    """`data_dir`: the embedded Postgres's folder (None: DATABASE_URL's server); `crm` says
    which CRM the mirror follows (None: no CRM)."""
    where = (
        f"embedded Postgres in {data_dir / 'pg'}" if data_dir else "the Postgres at DATABASE_URL"
    )
    console.print(
        Panel.fit(
            f"[bold]Partner Gateway[/bold] is serving on [link={url}]{url}[/link]\n"
            f"Open it in a browser for GraphiQL. Data: {where}. Stop with Ctrl-C.\n"
            f"CRM: {crm or 'none (set CRM_URL, or leave it unset for the sandbox CRM)'}",
            title="demo",
        )
    )
    console.print(
        "Credentials (valid 12 h; paste one into GraphiQL's Headers tab as "
        '{"Authorization": "Bearer <token>"} or {"X-API-Key": "<key>"}):'
    )
    for label, credential in credentials:
        console.print(f"  [bold]{label}[/bold]")
        console.print(f"    {credential}", soft_wrap=True, highlight=False)
    console.print("Try this query:")
    console.print(Syntax(EXAMPLE_QUERY, "graphql", theme="ansi_dark"))
    console.print("or from a shell:")
    console.print(
        f"curl -s {url} -H 'content-type: application/json' "
        f"-H 'authorization: Bearer {credentials[0][1]}' "
        "-d '{\"query\": \"{ deals(first: 3) { nodes { customerName amount } } }\"}'",
        soft_wrap=True,
        highlight=False,
    )
