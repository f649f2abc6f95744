"""The assignment rules on hand-made cases, without the database (kefu/accountmanagers/assignment.py)."""

import random

import pytest

from kefu.accountmanagers.assignment import Manager, plan_assignment, spread_per_grid
from kefu.accountmanagers.choices import MoveReason

RANKS = {"三星": 3, "二星": 2, "一星": 1}


def _apply(customers, plan):
    return [(c, g, r, t, plan.moves[c][1] if c in plan.moves else m) for c, g, r, t, m in customers]


def _fresh(managers):
    return [Manager(id=m.id, rank=m.rank, capacity=m.capacity, grids=m.grids, regions=m.regions) for m in managers]


def test_a_customer_without_manager_goes_to_the_least_loaded_fitting_manager():
    managers = [Manager(id=1, rank=1, grids=frozenset({"A"})), Manager(id=2, rank=1, grids=frozenset({"A"}))]
    customers = [(10, "A", "", "一星", 1), (11, "A", "", "一星", 1), (12, "A", "", "一星", None)]
    plan = plan_assignment(managers, customers, tier_rank=RANKS)
    assert plan.moves == {12: (None, 2, MoveReason.NO_MANAGER)}


def test_tier_needs_a_manager_of_its_level():
    chief = Manager(id=1, rank=3)
    regular = Manager(id=2, rank=1)
    customers = [(10, "", "", "三星", 2), (11, "", "", "一星", 2)]
    plan = plan_assignment([chief, regular], customers, tier_rank=RANKS)
    assert plan.moves == {10: (2, 1, MoveReason.LEVEL)}


def test_grid_is_respected_and_a_customer_nobody_serves_is_reported_not_moved():
    east = Manager(id=1, rank=1, grids=frozenset({"东"}))
    west = Manager(id=2, rank=1, grids=frozenset({"西"}))
    customers = [(10, "东", "", "一星", 2), (11, "北", "", "一星", None)]
    plan = plan_assignment([east, west], customers, tier_rank=RANKS)
    assert plan.moves == {10: (2, 1, MoveReason.GRID)}
    assert plan.unplaced == {11: MoveReason.NO_MANAGER}


def test_region_is_respected():
    city = Manager(id=1, rank=1, regions=frozenset({"杭州"}))
    other = Manager(id=2, rank=1, regions=frozenset({"宁波"}))
    plan = plan_assignment([city, other], [(10, "", "杭州", "一星", 2)], tier_rank=RANKS)
    assert plan.moves == {10: (2, 1, MoveReason.GRID)}


def test_an_inactive_managers_customers_move_and_a_manager_outside_the_pool_keeps_theirs():
    pool = [Manager(id=1, rank=1)]
    customers = [(10, "", "", "一星", 7), (11, "", "", "一星", 8)]
    plan = plan_assignment(pool, customers, tier_rank=RANKS, unavailable={7})
    assert plan.moves == {10: (7, 1, MoveReason.MANAGER_UNAVAILABLE)}


def test_balance_moves_only_what_it_must_and_newest_first():
    a, b = Manager(id=1, rank=1), Manager(id=2, rank=1)
    customers = [(n, "", "", "一星", 1) for n in range(1, 7)]  # 6 with a, 0 with b
    plan = plan_assignment([a, b], customers, tier_rank=RANKS)
    assert plan.moves == dict.fromkeys((4, 5, 6), (1, 2, MoveReason.BALANCE))
    assert (a.load, b.load) == (3, 3)


def test_a_difference_of_one_is_balanced_already():
    a, b = Manager(id=1, rank=1), Manager(id=2, rank=1)
    customers = [(1, "", "", "一星", 1), (2, "", "", "一星", 1), (3, "", "", "一星", 2)]
    assert plan_assignment([a, b], customers, tier_rank=RANKS).moves == {}


def test_capacity_caps_a_manager_and_the_excess_moves():
    small = Manager(id=1, rank=1, capacity=2)
    large = Manager(id=2, rank=1)
    customers = [(n, "", "", "一星", 1) for n in range(1, 6)]
    plan = plan_assignment([small, large], customers, tier_rank=RANKS)
    assert (small.load, large.load) == (2, 3)
    assert {reason for _f, _t, reason in plan.moves.values()} == {MoveReason.CAPACITY}


def test_a_chain_through_a_third_manager_balances_what_no_single_move_can():
    # The chief (3 二星) holds nothing the regular (1 一星) may take, and no one is two apart from
    # the middle (2): a 二星 customer goes to the middle, who passes a 一星 one to the regular.
    chief = Manager(id=1, rank=3, grids=frozenset({"A"}))
    middle = Manager(id=2, rank=2, grids=frozenset({"A"}))
    regular = Manager(id=3, rank=1, grids=frozenset({"A"}))
    customers = [(n, "A", "", "二星", 1) for n in (1, 2, 3)]
    customers += [(4, "A", "", "一星", 2), (5, "A", "", "二星", 2), (6, "A", "", "一星", 3)]
    plan = plan_assignment([chief, middle, regular], customers, tier_rank=RANKS)
    assert (chief.load, middle.load, regular.load) == (2, 2, 2)
    assert plan.moves == {3: (1, 2, MoveReason.BALANCE), 4: (2, 3, MoveReason.BALANCE)}


def test_a_top_customer_placed_on_a_full_chief_makes_the_chief_pass_on_an_ordinary_one():
    """The only chief is full; a new 三星 customer can go nowhere else, so a 一星 customer of the
    chief goes to a regular manager with room: the chief ends at capacity and a re-run is quiet."""
    chief = Manager(id=1, rank=3, capacity=2)
    regulars = [Manager(id=2, rank=1), Manager(id=3, rank=1)]
    customers = [(1, "", "", "一星", 1), (2, "", "", "一星", 1), (3, "", "", "一星", 2), (4, "", "", "一星", 2)]
    customers += [(6, "", "", "一星", 3), (7, "", "", "一星", 3), (5, "", "", "三星", None)]
    plan = plan_assignment([chief, *regulars], customers, tier_rank=RANKS)
    assert plan.moves[5] == (None, 1, MoveReason.NO_MANAGER) and chief.load == 2
    assert [reason for *_ft, reason in plan.moves.values()].count(MoveReason.CAPACITY) == 1
    assert plan_assignment(_fresh([chief, *regulars]), _apply(customers, plan), tier_rank=RANKS).moves == {}


@pytest.fixture
def district():
    """20 managers over 6 grids (each serves two neighbouring grids), a chief and a secondary
    per grid pair, and 2,000 customers at random with random managers."""
    rng = random.Random(7)
    grids = [f"G{g}" for g in range(6)]
    managers = []
    for n in range(20):
        g = n % 6
        rank = 3 if n < 6 else 2 if n < 12 else 1
        managers.append(Manager(id=n + 1, rank=rank, grids=frozenset({grids[g], grids[(g + 1) % 6]})))
    customers = []
    for c in range(1, 2001):
        grid = rng.choice(grids)
        tier = rng.choices(["三星", "二星", "一星"], weights=[2, 10, 88])[0]
        fitting = [m.id for m in managers if grid in m.grids and m.rank >= RANKS[tier]]
        customers.append((c, grid, "", tier, rng.choice(fitting) if rng.random() < 0.9 else None))
    return managers, customers, grids


def test_spread_per_grid_ends_within_one(district):
    managers, customers, grids = district
    plan_assignment(managers, customers, tier_rank=RANKS)
    assert max(spread_per_grid(managers, grids).values()) <= 1


def test_rerunning_moves_nothing(district):
    managers, customers, _grids = district
    first = plan_assignment(managers, customers, tier_rank=RANKS)
    again = plan_assignment(_fresh(managers), _apply(customers, first), tier_rank=RANKS)
    assert again.moves == {}


def test_after_one_percent_change_only_those_customers_move(district):
    """1 % of the customers move house: pairs trade grids, each to a grid their manager does not
    serve (the demand per grid stays, so balance forces nothing more)."""
    managers, customers, _grids = district
    settled = _apply(customers, plan_assignment(managers, customers, tier_rank=RANKS))
    by_id = {row[0]: row for row in settled}
    rng = random.Random(1)
    serves = {m.id: m.grids for m in managers}
    candidates = sorted(c for c in by_id if by_id[c][3] == "一星")
    rng.shuffle(candidates)
    pairs, used = [], set()
    for c in candidates:
        partner = next(
            (
                d
                for d in candidates
                if d not in used | {c}
                and by_id[d][1] not in serves[by_id[c][4]]
                and by_id[c][1] not in serves[by_id[d][4]]
            ),
            None,
        )
        if c not in used and partner is not None:
            pairs.append((c, partner))
            used |= {c, partner}
        if len(pairs) == 10:
            break
    grid_of = {c: by_id[d][1] for c, d in pairs} | {d: by_id[c][1] for c, d in pairs}
    changed = set(grid_of)
    rows = [(c, grid_of.get(c, g), r, t, m) for c, g, r, t, m in settled]
    plan = plan_assignment(_fresh(managers), rows, tier_rank=RANKS)
    assert len(changed) == 20
    assert set(plan.moves) == changed


def test_a_departure_moves_only_the_leaving_managers_customers():
    leaving, a, b = Manager(id=1, rank=1), Manager(id=2, rank=1, load=5), Manager(id=3, rank=1, load=3)
    customers = [(10, "", "", "一星", 1), (11, "", "", "一星", 1)]
    plan = plan_assignment(
        [a, b], customers, tier_rank=RANKS, forced={10: MoveReason.LEAVING, 11: MoveReason.LEAVING}, balance=False
    )
    assert plan.moves == {10: (1, 3, MoveReason.LEAVING), 11: (1, 3, MoveReason.LEAVING)}
    assert leaving.load == 0 and plan.loads_before == {2: 5, 3: 3}
