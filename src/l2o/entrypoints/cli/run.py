"""``l2o run`` - the main job on the embedded default (grows as the product does)."""


def run() -> None:
    """Run the main job: lint the example specs and create or migrate the database."""
