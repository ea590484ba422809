"""Customers as survival data: how long each has been a customer, whether it churned, and
what was known about it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd  # type: ignore[import-untyped]

from l2o.analytics.retention._errors import RetentionError

__all__ = ["CustomerHistory"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CustomerHistory:
    """One row per customer: ``duration`` (days, or the source's unit - ``unit`` says) from
    becoming a customer to churn, or to the day the data ends when it has not churned
    (``churned`` False: censored). ``features`` holds what was known about the customer
    (numbers and categories, one column each), aligned with ``ids``.

    ``health`` is the health score (0-100) the CRM holds, NaN where there is none;
    ``days_to_renewal`` the days from the data's end to the end of the current term
    (NaN for churned customers or when unknown) - what renewal probability looks ahead to.
    ``landmark`` is the day number (days since 1970-01-01) each row looks at the customer
    from, when rows are landmarks; ``duration`` then runs from that day.
    """

    ids: npt.NDArray[np.object_]
    duration: FloatArray
    churned: BoolArray
    features: pd.DataFrame
    unit: str = "days"
    source: str = ""
    health: FloatArray | None = None
    days_to_renewal: FloatArray | None = None
    landmark: FloatArray | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        n = self.ids.size
        sizes = {"duration": self.duration.size, "churned": self.churned.size}
        sizes["features"] = len(self.features)
        if self.landmark is not None:
            sizes["landmark"] = self.landmark.size
        wrong = {k: v for k, v in sizes.items() if v != n}
        if wrong:
            raise RetentionError(f"{self.source}: {wrong} rows for {n} customers")
        if (self.duration < 0).any():
            raise RetentionError(
                f"{self.source}: {int((self.duration < 0).sum())} customers with a negative "
                "duration (churned before they started)"
            )

    @property
    def size(self) -> int:
        return int(self.ids.size)

    def subset(self, mask: BoolArray) -> CustomerHistory:
        """The customers where ``mask`` is true."""
        return CustomerHistory(
            ids=self.ids[mask],
            duration=self.duration[mask],
            churned=self.churned[mask],
            features=self.features.loc[mask].reset_index(drop=True),
            unit=self.unit,
            source=self.source,
            health=None if self.health is None else self.health[mask],
            days_to_renewal=None if self.days_to_renewal is None else self.days_to_renewal[mask],
            landmark=None if self.landmark is None else self.landmark[mask],
            notes=self.notes,
        )
