"""``l2o spec check|schema`` - validate, lint and describe architecture specs."""

import typer

app = typer.Typer(help="Validate, lint and describe architecture specs.", no_args_is_help=True)
