"""Customer features as a numeric design matrix a survival model can take, encoded the same
way for the customers it was fitted on and for the ones it scores."""

from __future__ import annotations

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

__all__ = ["Design"]


class Design:
    """Numbers standardised (missing values take the fitted median); categories one-hot
    against their most frequent level (the reference), unseen levels counting as it."""

    def fit(self, features: pd.DataFrame) -> Design:
        """Learn medians, scales and category levels from ``features``; returns the design."""
        self.numeric_: dict[str, tuple[float, float, float]] = {}
        self.levels_: dict[str, list[str]] = {}
        for name in features.columns:
            column = features[name]
            if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
                values = column.astype(float)
                median = float(values.median()) if values.notna().any() else 0.0
                filled = values.fillna(median)
                scale = float(filled.std()) or 1.0
                self.numeric_[name] = (median, float(filled.mean()), scale)
            else:
                counts = column.astype(str).value_counts()
                self.levels_[name] = [str(v) for v in counts.index[1:]]  # first: reference
        self.columns_ = list(self.numeric_) + [
            f"{name}={level}" for name, levels in self.levels_.items() for level in levels
        ]
        return self

    def transform(self, features: pd.DataFrame) -> pd.DataFrame:
        """The design matrix for ``features`` (one row per customer, ``columns_`` columns)."""
        out: dict[str, np.ndarray] = {}
        for name, (median, mean, scale) in self.numeric_.items():
            values = features[name].astype(float).fillna(median).to_numpy()
            out[name] = (values - mean) / scale
        for name, levels in self.levels_.items():
            text = features[name].astype(str).to_numpy()
            for level in levels:
                out[f"{name}={level}"] = (text == level).astype(np.float64)
        return pd.DataFrame(out, columns=self.columns_)
