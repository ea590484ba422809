"""``l2o db upgrade|current`` - create and migrate the store."""

import typer

app = typer.Typer(help="Create and migrate the store.", no_args_is_help=True)
