"""Score attribution credit against known true channel effects (simulated companies)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from l2o.analytics.attribution._credits import Credits
from l2o.analytics.attribution._journeys import Journeys

__all__ = ["score_against_truth"]


def score_against_truth(
    credits: Credits, true_effects: Mapping[str, float], journeys: Journeys
) -> dict[str, object]:
    """How far a model's credit shares are from the true ones.

    ``true_effects`` is each channel's incremental effect on a journey's conversion
    probability (the simulator's ``truth["channels"][c]["incremental_conversion_effect"]``).
    The true share of channel ``c`` is ``effect[c] * reach[c]``, normalised, where
    ``reach[c]`` is the number of journeys with ``c`` on them: the conversions ``c`` caused.
    Returns per channel ``credit_share``, ``true_share`` and ``error`` (their difference),
    and ``total_error``, half the sum of absolute errors: the share of credit given to the
    wrong channels (0 is perfect, 1 is all of it).
    """
    index = {name: i for i, name in enumerate(credits.channels)}
    bits = np.zeros((journeys.n_paths, len(journeys.channels)), dtype=bool)
    bits[journeys.path_of_touch, journeys.touches] = True
    reach = (journeys.conversions + journeys.nulls) @ bits
    names = sorted(set(true_effects) | set(credits.channels))
    true = np.array(
        [true_effects.get(c, 0.0) * (reach[index[c]] if c in index else 0.0) for c in names]
    )
    true = true / true.sum() if true.sum() > 0 else true
    shares = credits.shares()
    model = np.array([shares[index[c]] if c in index else 0.0 for c in names])
    error = model - true
    return {
        "channels": {
            c: {"credit_share": float(m), "true_share": float(t), "error": float(e)}
            for c, m, t, e in zip(names, model, true, error, strict=True)
        },
        "total_error": float(np.abs(error).sum() / 2),
    }
