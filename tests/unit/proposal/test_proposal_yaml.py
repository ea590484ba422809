"""Commented YAML: what it writes parses back to exactly the data, comments in place."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from l2o.assess.proposal.commented_yaml import commented_yaml
from l2o.spec import dump_spec, load_spec

EXAMPLES = Path(__file__).parents[3] / "examples"

_scalars = st.one_of(
    st.booleans(),
    st.integers(-1000, 1000),
    # Letters, digits, punctuation, symbols and spaces: PyYAML itself mangles exotic blanks.
    st.text(
        st.characters(whitelist_categories=("L", "N", "P", "S"), whitelist_characters=" "),
        max_size=12,
    ),
    st.sampled_from(["yes", "a: b", "- x", "#", "line\nbreak", "é", "'q'", '"d"', "  "]),
    st.none(),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), _values, max_size=5))
def test_round_trips_any_mapping(data: dict[str, object]) -> None:
    assert (yaml.safe_load(commented_yaml(data, {})) or {}) == data


def test_examples_round_trip_with_comments_on_every_key() -> None:
    for example in ("revenue-machine.yaml", "founder-led.yaml"):
        data = dump_spec(load_spec(EXAMPLES / example))
        notes = {(key,): [f"about {key}"] for key in data}
        notes[("pipeline", "pipelines", 0, "stages", 0, "probability")] = ["why 10"]
        text = commented_yaml(data, notes, ["a header"])
        assert yaml.safe_load(text) == data
        assert text.startswith("# a header\n")
        lines = text.splitlines()
        where = lines.index("    # why 10") if "    # why 10" in lines else -1
        assert where == -1 or "probability" in lines[where + 1] or lines[where + 1].strip()
        assert any(line.strip() == "# why 10" for line in lines)
