"""``rdtr watches deliver``: send the due watch deliveries once (the API does it every few seconds)."""

from __future__ import annotations

import typer

from rdtr.cli.common import app, console, handles_errors, open_db, print_json

watches_app = typer.Typer(help="Watches (webhooks): deliveries of plan changes.", no_args_is_help=True)
app.add_typer(watches_app, name="watches")


@watches_app.command("deliver")
@handles_errors
def deliver(as_json: bool = typer.Option(False, "--json", help="print the counts as JSON")) -> None:
    """One pass: send every delivery that is due (retries included), each at most once."""
    from rdtr.watches import deliver_pending

    with open_db() as db:
        counts = deliver_pending(db)
    if as_json:
        print_json(counts)
        return
    console.print(f"{counts['delivered']} delivered, {counts['retrying']} to be retried, {counts['failed']} given up")
