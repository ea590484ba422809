"""An international number's separators are dropped before parsing: the result must be what
the library gives for the number as written, for every number and every spelling."""

from __future__ import annotations

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.ingest.problems import RowProblem
from l2o.ingest.standardize import standard_phone


def _as_written(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException:
        return "refused"
    if not phonenumbers.is_possible_number(number):
        return "refused"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _standard(raw: str) -> str:
    try:
        return standard_phone(raw)
    except RowProblem:
        return "refused"


COUNTRY_CODES = st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))
DIGIT_GROUPS = st.lists(st.text("0123456789", min_size=1, max_size=4), min_size=2, max_size=5)
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  ", " - "])


@settings(max_examples=400)
@given(code=COUNTRY_CODES, groups=DIGIT_GROUPS, separator=SEPARATORS, trunk=st.booleans())
def test_compacted_numbers_parse_as_written(
    code: int, groups: list[str], separator: str, trunk: bool
) -> None:
    raw = f"+{code}{separator}{'0' if trunk else ''}{separator.join(groups)}"
    assert _standard(raw) == _as_written(raw)


def test_a_number_with_other_marks_is_parsed_as_written() -> None:
    for raw in ("+1 (212) 323-4567", "+44 (0)20 7946 0958", "+1 212 323 4567 ext. 12"):
        assert _standard(raw) == _as_written(raw)
