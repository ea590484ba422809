"""Quote pricing: net prices, totals and the effective discount stay consistent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from l2o.domain import Quote, net_price_after_discount


def test_net_price_rounds_half_up_to_the_cent() -> None:
    assert net_price_after_discount(Decimal("99.99"), Decimal("12.5")) == Decimal("87.49")
    assert net_price_after_discount(Decimal("0.05"), Decimal("50")) == Decimal("0.03")


@pytest.mark.parametrize("pct", [Decimal("-1"), Decimal("100.01")])
def test_discount_outside_0_to_100_is_refused(pct: Decimal) -> None:
    with pytest.raises(ValueError, match="outside 0-100"):
        net_price_after_discount(Decimal(100), pct)


def test_totals_follow_the_lines() -> None:
    quote = Quote()
    quote.add_line(list_price=Decimal("100.00"), quantity=Decimal(10), discount_pct=Decimal(10))
    line = quote.add_line(list_price=Decimal("2000.00"), discount_pct=Decimal(0))
    assert (quote.list_total, quote.net_total) == (Decimal("3000.00"), Decimal("2900.00"))
    assert quote.max_discount_pct == Decimal(10)
    quote.set_discount(line.id, Decimal(25))
    assert quote.net_total == Decimal("2400.00")
    assert quote.max_discount_pct == Decimal(25)
    assert quote.discount_pct == Decimal("20.00")
    assert [ln.position for ln in quote.lines] == [0, 1]
    with pytest.raises(ValueError, match="no line"):
        quote.set_discount("nope", Decimal(1))


def test_an_empty_quote_has_no_discount() -> None:
    assert Quote().discount_pct == 0


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2)
percents = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
quantities = st.integers(min_value=1, max_value=500).map(Decimal)


@given(st.lists(st.tuples(prices, percents, quantities), min_size=1, max_size=8))
def test_net_total_is_the_exact_discounted_total_within_half_a_cent_per_unit(
    lines: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    quote = Quote()
    for price, pct, qty in lines:
        quote.add_line(list_price=price, discount_pct=pct, quantity=qty)
    exact = sum(price * qty * (100 - pct) / 100 for price, pct, qty in lines)
    units = sum(qty for _, _, qty in lines)
    assert abs(quote.net_total - exact) <= Decimal("0.005") * units
    assert Decimal(0) <= quote.net_total <= quote.list_total
    assert quote.max_discount_pct == max(pct for _, pct, _ in lines)
