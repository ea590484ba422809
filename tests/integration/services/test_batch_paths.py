"""The batch paths decide exactly what the one-record commands decide (property tests).

- ``leads_batch.add_leads`` against ``leads.add_lead`` one lead at a time: two stores seeded
  alike - the batch on each backend, the one-by-one reference on SQLite - receive the same
  leads in the same order and must agree on every score, stage, owner, rule, pool pointer,
  reason and alternative, on the pools' state and on the events published.
- ``deals_batch.check_gates`` against ``deals.move_opportunity`` (rolled back) for every
  requested move, overrides included.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from revenue_builders import EXAMPLES, QUALIFIED, T0
from sqlalchemy.engine import Engine

from l2o import domain as d
from l2o.domain import ROUTING_STATE_ID
from l2o.services import leads_batch
from l2o.services.bootstrap import RevenueSystem
from l2o.services.deals import move_opportunity
from l2o.services.deals_batch import check_gates
from l2o.services.errors import CommandRefused
from l2o.services.leads import NewTouch, add_lead
from l2o.services.leads_batch import NewLead, add_leads
from l2o.services.users import find_user
from l2o.spec import load_spec
from l2o.store import SqlAlchemyUnitOfWork, engine_for, upgrade
from l2o.store.bulk import BulkWriter

SDRS = [
    "maya.chen@northwind.example",
    "luis.ortiz@northwind.example",
    "priya.nair@northwind.example",
    "jonas.weber@northwind.example",
    "claire.martin@northwind.example",
    "sam.okafor@northwind.example",
    "rachel.kim@northwind.example",
]
DOMAINS = ["globex.example", "initech.example", "umbrella.example", "nowhere.example"]
TOUCH_TYPES = ["demo_request", "pricing_page_visit", "webinar_attended", "email_click",
               "unsubscribe", "form_fill"]  # fmt: skip


def _spec(capacity: int) -> Any:
    data = yaml.safe_load((EXAMPLES / "revenue-machine.yaml").read_text())
    for pool in data["signals"]["routing"]["pools"]:
        for member in pool["members"]:
            member["daily_capacity"] = capacity
    return load_spec(data)


def _seed_people(engine: Engine) -> None:
    """The same users (fixed ids) and accounts on every store, so owners compare as ids."""
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        for n, email in enumerate(SDRS):
            uow.users.add(d.User(id=f"user-{n}", name=email, email=email, role=d.UserRole.SDR))
        uow.users.add(d.User(id="owner-1", name="Olga", email="olga@northwind.example"))
        accounts = [
            d.Account(id="acc-globex", name="Globex", domain="globex.example", employees=600,
                      country="US", technologies=["snowflake"], owner_id="owner-1",
                      created_at=T0),
            d.Account(id="acc-initech", name="Initech", domain="initech.example",
                      employees=80, country="DE", created_at=T0),
            d.Account(id="acc-umbrella", name="Umbrella", domain="umbrella.example",
                      employees=5000, country="US", segment="enterprise",
                      territory_id=None, created_at=T0),
        ]  # fmt: skip
        for account in accounts:
            uow.accounts.add(account)
        uow.commit()


@st.composite
def new_leads(draw: st.DrawFn) -> list[NewLead]:
    leads = []
    for n in range(draw(st.integers(1, 6))):
        # Minutes apart over a few days: crosses days (loads reset), nights and weekends
        # (working hours), and fills small capacities.
        at = T0 + timedelta(minutes=draw(st.integers(0, 6 * 24 * 60)))
        touches = tuple(
            NewTouch(
                touch_type=draw(st.sampled_from(TOUCH_TYPES)),
                at=at - timedelta(hours=draw(st.integers(0, 24 * 90))),
                user_id=draw(st.sampled_from([None, None, "user-0"])),
            )
            for _ in range(draw(st.integers(0, 4)))
        )
        command = d.AddLead(
            at=at,
            email=f"lead{n}@{draw(st.sampled_from(DOMAINS))}",
            title=draw(st.sampled_from(["Head of Data", "CFO", "Analyst", None])),
            country=draw(st.sampled_from(["US", "DE", "FR", "BR", None])),
            custom_fields=draw(st.sampled_from([{}, {"is_personal_email": True}])),
            route=draw(st.booleans()) or draw(st.booleans()),
        )
        leads.append(NewLead(command, touches))
    return leads


def _new_messages(engine: Engine, seen: set[str]) -> list[d.OutboxMessage]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        found = [m for m in uow.outbox.list() if m.id not in seen]
    seen.update(m.id for m in found)
    return found


def _events(messages: list[d.OutboxMessage], lead_ids: list[str]) -> Counter[str]:
    """The events as comparable text: lead ids by position, assignment ids left out."""
    position = {lead_id: str(n) for n, lead_id in enumerate(lead_ids)}
    shown = []
    for message in messages:
        payload = {k: v for k, v in message.payload.items() if k != "assignment_id"}
        for key in ("lead_id", "record_id"):
            if key in payload:
                payload[key] = position.get(payload[key], payload[key])
        shown.append(f"{message.event_type} {sorted(payload.items())}")
    return Counter(shown)


def _stored(engine: Engine, lead_ids: list[str]) -> list[dict[str, Any]]:
    with SqlAlchemyUnitOfWork(engine) as uow:
        out = []
        for lead_id in lead_ids:
            lead = uow.leads.get(lead_id)
            assignments = [
                (a.owner_id, a.assignee, a.rule, a.pool, a.pointer, a.segment, a.territory,
                 a.reasons, a.alternatives, a.trigger, a.assigned_at)
                for a in uow.assignments.list(lead_id=lead_id)
            ]  # fmt: skip
            touches = sorted(  # a touch by no one (None) sorts before a user's
                ((t.touch_type, t.occurred_at, t.user_id)
                 for t in uow.touchpoints.list(lead_id=lead_id)),
                key=lambda touch: (touch[0], touch[1], touch[2] or ""),
            )  # fmt: skip
            out.append(
                {
                    "status": lead.status,
                    "fit": lead.fit_score,
                    "engagement": lead.engagement_score,
                    "mql_at": lead.mql_at,
                    "owner": lead.owner_id,
                    "routed_at": lead.routed_at,
                    "first_touch_at": lead.first_touch_at,
                    "assignments": assignments,
                    "touches": touches,
                    "created_audited": any(
                        e.action == d.AuditAction.CREATE
                        for e in uow.audit.for_record("Lead", lead_id)
                    ),
                }
            )
        state = uow.routing_state.find(ROUTING_STATE_ID)
        pools = (state.day, state.loads, state.pointers) if state else None
    return [*out, {"pools": pools}]


@pytest.mark.slow
def test_a_batch_of_leads_decides_what_one_lead_at_a_time_decides(
    database_url: str, tmp_path: Path
) -> None:
    spec = _spec(capacity=2)
    batch_engine = engine_for(database_url)
    single_engine = engine_for(f"sqlite:///{tmp_path / 'one-by-one.db'}")
    for engine in (batch_engine, single_engine):
        upgrade(engine)
        _seed_people(engine)
    batch = RevenueSystem.build(spec, batch_engine, source="test")
    single = RevenueSystem.build(spec, single_engine, source="test")
    seen: tuple[set[str], set[str]] = (set(), set())

    # The two stores stay in step across examples: both receive every example, in order.
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(leads=new_leads())
    def batch_equals_one_by_one(leads: list[NewLead]) -> None:
        batched = add_leads(batch, leads)
        singles = [add_lead(single, item.lead, touches=item.touches) for item in leads]
        batch_ids = [o.lead_id for o in batched]
        single_ids = [o.lead_id for o in singles]
        for b, s in zip(batched, singles, strict=True):
            assert (b.status, b.stages_reached) == (s.status, s.stages_reached)
            assert (b.score.fit, b.score.engagement) == pytest.approx(
                (s.score.fit, s.score.engagement)
            )
            assert sorted(r.text for r in b.score.reasons) == sorted(
                r.text for r in s.score.reasons
            )
            assert (b.routed is None) == (s.routed is None)
            if b.routed and s.routed:
                assert b.routed.decision.reasons == s.routed.decision.reasons
                assert b.routed.decision.alternatives == s.routed.decision.alternatives
        assert _stored(batch_engine, batch_ids) == _stored(single_engine, single_ids)
        assert _events(_new_messages(batch_engine, seen[0]), batch_ids) == _events(
            _new_messages(single_engine, seen[1]), single_ids
        )

    try:
        batch_equals_one_by_one()
    finally:
        batch_engine.dispose()
        single_engine.dispose()


def test_a_touch_after_the_arrival_refuses_the_batch(system: RevenueSystem) -> None:
    late = NewLead(
        d.AddLead(at=T0, email="ana@globex.example"),
        touches=(NewTouch(touch_type="demo_request", at=T0 + timedelta(minutes=5)),),
    )
    fine = NewLead(d.AddLead(at=T0, email="bo@globex.example"))
    with pytest.raises(CommandRefused) as refused:
        add_leads(system, [fine, late])
    assert refused.value.rule == "lead.touch_after_arrival"
    with pytest.raises(CommandRefused):
        add_lead(system, late.lead, touches=late.touches)
    with system.unit_of_work() as uow:
        assert uow.leads.count() == 0  # the whole batch was refused


def test_a_pool_naming_no_user_refuses_the_whole_batch(system: RevenueSystem) -> None:
    # No user is stored: the first lead routed from a pool names a rep who is not a user.
    leads = [NewLead(d.AddLead(at=T0, email=f"l{n}@x.example", country="US")) for n in range(3)]
    with pytest.raises(CommandRefused) as refused:
        add_leads(system, leads)
    assert "not a user in the store" in str(refused.value)
    with system.unit_of_work() as uow:
        assert uow.leads.count() == 0
        assert uow.outbox.count() == 0


@pytest.mark.parametrize("state_stored_before", [False, True])
def test_a_routing_committed_during_a_batch_never_double_counts_the_pools(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, state_stored_before: bool
) -> None:
    """Someone else routes a lead between the batch's read of the pools and its write.

    On PostgreSQL the batch read the state ``FOR UPDATE``: the rival (another connection,
    here a thread) waits for the batch's commit, then routes from the state the batch left -
    unless there was no state to lock yet: the rival commits first and the batch starts
    again from the state it left. On SQLite the batch has written its leads before reading
    the state, so it holds the store's one write lock: the rival waits for its commit too.
    Either way every routing is counted once.
    """
    _seed_people(engine)
    system = RevenueSystem.build(_spec(capacity=50), engine, source="test")
    if state_stored_before:
        add_lead(system, d.AddLead(at=T0, email="first@nowhere.example", country="US"))
    store = leads_batch._Pools.store
    locked = engine.dialect.name == "sqlite" or state_stored_before
    rivals: list[threading.Thread] = []
    attempts: list[int] = []

    def rival() -> None:
        add_lead(system, d.AddLead(at=T0, email="rival@nowhere.example", country="US"))

    def store_after_a_rival(pools: Any) -> None:
        attempts.append(pools.stored["version"] if pools.stored is not None else 0)
        if not rivals:
            rivals.append(threading.Thread(target=rival))
            rivals[0].start()
            # Give the rival the time to commit - or, locked out, to wait for the batch.
            rivals[0].join(timeout=1.0 if locked else None)
        store(pools)

    monkeypatch.setattr(leads_batch._Pools, "store", store_after_a_rival)
    leads = [
        NewLead(d.AddLead(at=T0 + timedelta(minutes=n), email=f"l{n}@x.example", country="US"))
        for n in range(3)
    ]
    outcomes = add_leads(system, leads)
    rivals[0].join(timeout=30)
    assert not rivals[0].is_alive()
    with SqlAlchemyUnitOfWork(engine) as uow:
        state = uow.routing_state.get(ROUTING_STATE_ID)
        assignments = uow.assignments.list()
    assert len(assignments) == 3 + 1 + state_stored_before
    assert sum(state.loads.values()) == sum(a.pool is not None for a in assignments)
    assert {o.lead_id for o in outcomes} <= {a.lead_id for a in assignments}
    if locked:
        assert len(attempts) == 1  # the rival waited: nothing to start again
        assert state.version == attempts[0] + 2  # the batch's write, then the rival's
    else:
        assert len(attempts) == 2
        assert attempts[1] > attempts[0]  # read again, newer
        assert state.version == attempts[1] + 1


def test_the_routing_turn_is_held_from_the_pools_read_to_the_commit(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch given a routing turn (the API's workers on SQLite) scores outside it, takes
    it before reading the pools' state and lets it go once its rows are committed."""
    _seed_people(engine)
    system = RevenueSystem.build(_spec(capacity=50), engine, source="test")
    held: list[bool] = []
    log: list[tuple[str, int]] = []

    def stored_leads() -> int:
        with SqlAlchemyUnitOfWork(engine) as uow:  # another connection: committed rows only
            return uow.leads.count()

    @contextmanager
    def turn() -> Iterator[None]:
        log.append(("taken", stored_leads()))
        held.append(True)
        try:
            yield
        finally:
            held.pop()
            log.append(("let go", stored_leads()))

    pools_init = leads_batch._Pools.__init__
    scored = leads_batch._scored

    def read_pools(pools: Any, *args: Any) -> None:
        log.append(("pools read in turn" if held else "pools read outside", 0))
        pools_init(pools, *args)

    def score(*args: Any) -> Any:
        log.append(("scored in turn" if held else "scored outside", 0))
        return scored(*args)

    monkeypatch.setattr(leads_batch._Pools, "__init__", read_pools)
    monkeypatch.setattr(leads_batch, "_scored", score)
    leads = [
        NewLead(d.AddLead(at=T0 + timedelta(minutes=n), email=f"l{n}@x.example", country="US"))
        for n in range(3)
    ]
    outcomes = add_leads(system, leads, routing_turn=turn)
    assert all(o.routed is not None for o in outcomes)
    assert log == [
        *[("scored outside", 0)] * 3,
        ("taken", 0),
        ("pools read in turn", 0),
        ("let go", 3),  # committed before the turn was let go
    ]


def test_the_batch_finds_pool_members_as_one_lead_at_a_time_does(engine: Engine) -> None:
    """The batch's users read at once resolve every kind of reference as ``find_user``."""
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        people = [
            d.User(id="u-1", name="A", email="ana@northwind.example", created_at=T0),
            d.User(id="u-2", name="B", email="Bo@Northwind.example", created_at=T0),
            d.User(id="u-3", name="C", email="bo@northwind.example",
                   created_at=T0 + timedelta(days=1)),
            d.User(id="u-4", name="D", email="cy@northwind.example", created_at=T0),
            d.User(id="u-5", name="E", email="cy@northwind.example",
                   created_at=T0 - timedelta(days=1)),
            d.User(id="u-6", name="F", source_system="hubspot", source_id="701"),
            d.User(id="u-7", name="G", source_system="hubspot", source_id="702"),
            d.User(id="u-8", name="H", source_system="salesforce", source_id="702"),
            d.User(id="u-9", name="I", email=None, source_system="hubspot", source_id="u-1"),
        ]  # fmt: skip
        for person in people:
            uow.users.add(person)
        uow.commit()
    references = {
        "u-1", "u-9", "ana@northwind.example", "ANA@NORTHWIND.EXAMPLE",
        "Bo@Northwind.example", "bo@northwind.example", "BO@NORTHWIND.EXAMPLE",
        "cy@northwind.example", "701", "702", "703", "nobody@northwind.example", "u-404",
    }  # fmt: skip
    with SqlAlchemyUnitOfWork(engine) as uow:
        expected = {r: getattr(find_user(uow, r), "id", None) for r in references}
        found = leads_batch._user_ids(BulkWriter.for_unit_of_work(uow), references)
    assert found == expected
    assert found["cy@northwind.example"] == "u-5"  # the oldest of two with the email


# -- stage gates ------------------------------------------------------------------------------

STAGES = ["discovery", "solution_validation", "business_case", "negotiation", "closed_won",
          "closed_lost", "nowhere"]  # fmt: skip


def _seed_deals(engine: Engine, n: int) -> list[str]:
    """Deals at every stage with facts of every kind, some present and some not."""
    rng = random.Random(n)
    ids = []
    with SqlAlchemyUnitOfWork(engine, source="test") as uow:
        manager = d.User(id="manager", name="Max", email="max@x.example", roles=["sales_manager"])
        rep = d.User(id="rep", name="Rita", email="rita@x.example", role=d.UserRole.AE)
        uow.users.add(manager)
        uow.users.add(rep)
        for i in range(n):
            account = uow.accounts.add(d.Account(name=f"account {i}", created_at=T0))
            contacts = [
                uow.contacts.add(
                    d.Contact(account_id=account.id, last_name=f"c{i}.{k}", created_at=T0,
                              persona=rng.choice([None, "economic_buyer", "champion"]))
                )
                for k in range(rng.randrange(5))
            ]  # fmt: skip
            stage = rng.choice([*STAGES[:4], "closed_won"])
            deal = d.Opportunity(
                name=f"deal {i}",
                account_id=account.id if rng.random() < 0.9 else None,
                pipeline="new_business",
                stage=stage,
                is_closed=stage == "closed_won",
                is_won=stage == "closed_won",
                stage_entered_at=T0 - timedelta(days=rng.randrange(60)),
                created_at=T0 - timedelta(days=90),
                amount=Decimal(rng.randrange(5_000, 90_000)) if rng.random() < 0.7 else None,
                close_date=T0.date() if rng.random() < 0.7 else None,
                next_step="call" if rng.random() < 0.7 else None,
                primary_contact_id=contacts[0].id if contacts and rng.random() < 0.8 else None,
                qualification={k: v for k, v in QUALIFIED.items() if rng.random() < 0.75},
                custom_fields={"security_review_done": rng.random() < 0.5},
            )
            uow.opportunities.add(deal)
            for q in range(rng.randrange(4)):
                quote = d.Quote(
                    opportunity_id=deal.id,
                    account_id=account.id,
                    status=rng.choice(list(d.QuoteStatus)),
                    created_at=T0 - timedelta(days=10 - q),
                )
                for _ in range(rng.randrange(3)):
                    quote.add_line(
                        list_price=Decimal(1000),
                        discount_pct=Decimal(rng.choice([0, 10, 30])),
                        term_months=rng.choice([12, 24, 36]),
                    )
                uow.quotes.add(quote)
            if rng.random() < 0.3:
                uow.orders.add(d.Order(account_id=account.id, opportunity_id=deal.id))
            ids.append(deal.id)
        uow.commit()
    return ids


#: (role, reason, who asks): a permitted role held, one not held, one not permitted, no reason.
OVERRIDES = [
    (None, None, None),
    ("sales_manager", "call", "manager"),
    ("sales_manager", "call", "rep"),
    ("ae", "call", None),
    ("vp_sales", " ", None),
]


def _one_by_one(system: RevenueSystem, command: d.ChangeOpportunityStage) -> tuple[Any, ...]:
    """What moving the deal decides, rolled back: (allowed, rule or None, reasons)."""
    with system.unit_of_work(command.requested_by) as uow:
        try:
            move = move_opportunity(uow, system, command)
        except CommandRefused as refused:
            return (False, refused.rule, tuple(refused.reasons))
        uow.rollback()
    return (True, None, tuple(r.text for r in move.decision.reasons))


def _gate_spec() -> Any:
    data = yaml.safe_load((EXAMPLES / "revenue-machine.yaml").read_text())
    # Derived fields in a gate too, so the batch must derive them as the move does.
    stages = data["pipeline"]["pipelines"][0]["stages"]
    negotiation = next(s for s in stages if s["id"] == "negotiation")
    negotiation.setdefault("entry_criteria", []).extend(
        [{"field": "term_months"}, {"field": "quote_id"}]
    )
    return load_spec(data)


@pytest.mark.slow
def test_gate_checks_in_bulk_decide_what_each_move_decides(engine: Engine) -> None:
    deal_ids = _seed_deals(engine, 25)
    system = RevenueSystem.build(_gate_spec(), engine, clock=lambda: T0, source="test")
    move = st.builds(
        lambda deal, to, override, loss, days: d.ChangeOpportunityStage(
            opportunity_id=deal,
            to_stage=to,
            at=T0 + timedelta(days=days),
            override_role=override[0],
            override_reason=override[1],
            loss_reason=loss,
            requested_by=override[2],
        ),
        st.sampled_from(deal_ids),
        st.sampled_from(STAGES),
        st.sampled_from(OVERRIDES),
        st.sampled_from([None, "no budget"]),
        st.integers(0, 30),
    )

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(commands=st.lists(move, min_size=1, max_size=12))
    def bulk_equals_each(commands: list[d.ChangeOpportunityStage]) -> None:
        checks = check_gates(system, commands)
        for command, check in zip(commands, checks, strict=True):
            assert check.opportunity_id == command.opportunity_id
            if check.refusal is not None:
                got = (False, check.refusal.rule, tuple(check.refusal.reasons))
            else:
                assert check.decision is not None
                got = (True, None, tuple(r.text for r in check.decision.reasons))
            assert got == _one_by_one(system, command)

    bulk_equals_each()
