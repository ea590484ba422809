"""The learned models' features, value by value: one definition for training and for the engine.

:mod:`l2o.services.modeling` reads the store's records column-wise into training examples
with these functions; :func:`lead_feature_builder` and :func:`deal_feature_builder` read one
record the same way for the engine (see :mod:`l2o.engine.learned_scoring`), so a lead is
scored from exactly the features the model learned from. Every feature is taken as of the
task's scoring moment (see :mod:`l2o.analytics.models._features` for why each is allowed):
a lead's is its arrival plus the observation window - a lead scored earlier is read as of
then, with what is known so far - and a deal's is its creation.

::

    features = lead_feature_builder(scorer.feature_names)
    features(lead, account, touches, at)   # {"channel": "referrals", "touches": 2.0, ...}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from l2o.domain import Account, Lead, Opportunity, Touchpoint, as_utc
from l2o.engine import DealFeatureBuilder, LeadFeatureBuilder
from l2o.ingest.dedupe import FREE_MAIL_DOMAINS

__all__ = [
    "DEFAULT_OBSERVE_HOURS",
    "channel_of",
    "deal_feature_builder",
    "email_domain",
    "first_touch_minutes",
    "lead_feature_builder",
    "number",
    "personal_email",
    "seniority",
    "text",
    "touch_channel",
]

DEFAULT_OBSERVE_HOURS = 24.0
"""A lead is scored this long after it arrives: what happened by then is known."""

_SENIORITY = (
    ("c_level", r"\b(chief|ceo|cfo|cto|coo|cio|cmo|founder|owner|president)\b"),
    ("vp", r"\b(vp|svp|evp|vice president)\b"),
    ("director", r"\b(director|head of)\b"),
    ("manager", r"\b(manager|lead)\b"),
)
_TOUCHED = "touched:"


def text(value: object) -> str | None:
    """A value as trimmed text; blank is ``None``."""
    return None if value is None or str(value).strip() == "" else str(value).strip()


def number(value: int | float | Decimal | None) -> float:
    """A number as a float; missing is NaN."""
    return float("nan") if value is None else float(value)


def seniority(title: str | None) -> str | None:
    """The job title's level: c_level, vp, director, manager or staff (no title: ``None``)."""
    if not title:
        return None
    lowered = title.casefold()
    return next((level for level, words in _SENIORITY if re.search(words, lowered)), "staff")


def email_domain(email: str | None) -> str | None:
    """The e-mail address's domain, case-folded."""
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().casefold() or None


def personal_email(email: str | None) -> str | None:
    """``yes`` for a free-mail address, ``no`` for a company one, ``None`` without one."""
    domain = email_domain(email)
    if domain is None:
        return None
    return "yes" if domain in FREE_MAIL_DOMAINS else "no"


def channel_of(channel: str | None, lead_source: str | None) -> str | None:
    """The lead's origin channel, else its lead source."""
    return text(channel) or text(lead_source)


def touch_channel(channel: str | None) -> str | None:
    """A touch's channel as the ``touched:CHANNEL`` features name it (case-folded)."""
    label = text(channel)
    return label.casefold() if label else None


def first_touch_minutes(created: float, first_touch: float, scored: float) -> float:
    """Minutes to the first touch if it happened by the scoring moment, else NaN (times in
    days since the epoch; a missing first touch is NaN)."""
    if math.isnan(first_touch) or first_touch > scored:
        return math.nan
    return max(first_touch - created, 0.0) * 1440.0


def _days(moment: datetime | None) -> float:
    return math.nan if moment is None else as_utc(moment).timestamp() / 86_400.0


def lead_feature_builder(
    names: Iterable[str], observe_hours: float = DEFAULT_OBSERVE_HOURS
) -> LeadFeatureBuilder:
    """The engine's lead feature builder for a model reading ``names``.

    A lead is read as of its scoring moment, or as of ``at`` when that is earlier: touches
    after it and an account created after it are not seen. ``touched:CHANNEL`` is ``yes``
    or ``no`` for each channel the model knows.
    """
    wanted = tuple(names)
    channels = tuple(n[len(_TOUCHED) :] for n in wanted if n.startswith(_TOUCHED))
    window = timedelta(hours=observe_hours)

    def features(
        lead: Lead, account: Account | None, touches: Sequence[Touchpoint], at: datetime
    ) -> Mapping[str, object]:
        created = as_utc(lead.created_at)
        cutoff = min(as_utc(at), created + window)
        seen = [t for t in touches if as_utc(t.occurred_at) <= cutoff]
        if account is not None and (
            account.id == lead.converted_account_id or as_utc(account.created_at) > cutoff
        ):
            account = None  # only the account matched by e-mail domain, as it stood then
        values: dict[str, object] = {
            "channel": channel_of(lead.channel, lead.lead_source),
            "country": text(lead.country),
            "seniority": seniority(lead.title),
            "personal_email": personal_email(lead.email),
            "account_industry": account.industry if account else None,
            "account_segment": account.segment if account else None,
            "account_region": account.region if account else None,
            "account_employees": number(account.employees if account else None),
            "account_annual_revenue": number(account.annual_revenue if account else None),
            "first_touch_minutes": first_touch_minutes(
                _days(created), _days(lead.first_touch_at), _days(cutoff)
            ),
            "touches": float(len(seen)),
        }
        touched = {touch_channel(t.channel) for t in seen}
        for channel in channels:
            values[_TOUCHED + channel] = "yes" if channel in touched else "no"
        return {name: values.get(name) for name in wanted}

    return features


def deal_feature_builder(names: Iterable[str]) -> DealFeatureBuilder:
    """The engine's deal feature builder for a model reading ``names``: the deal as it was
    opened (its amount on the first stage change, its owner's role) and its account."""
    wanted = tuple(names)

    def features(
        deal: Opportunity,
        account: Account | None,
        owner_role: str | None,
        amount_at_creation: float | None,
    ) -> Mapping[str, object]:
        values: dict[str, object] = {
            "opportunity_type": text(deal.opportunity_type),
            "pipeline": text(deal.pipeline),
            "lead_source": text(deal.lead_source),
            "owner_role": owner_role,
            "amount_at_creation": number(amount_at_creation),
            "account_industry": account.industry if account else None,
            "account_segment": account.segment if account else None,
            "account_country": account.country if account else None,
            "account_employees": number(account.employees if account else None),
        }
        return {name: values.get(name) for name in wanted}

    return features
