"""Working out who serves whom (一对一客户经理): the automatic assignment and a departure's share-out.

Pure computation over plain rows, so that it can be tested on hand-made cases and run over a
million customers in memory: `plan_assignment` takes the managers and the customers and returns
the moves. The rules (SPEC §4, seed 002 篇七 "按照负责客户数量均衡、兼顾业务能力"):

- a manager *fits* a customer when their level is at least the one the customer's tier requires
  (`Tier.required_manager_level`), and their grids and regions (an empty list: any) hold the
  customer's grid and region;
- managers who take new customers (active, a profile, accepting) form the pool; a customer whose
  manager is in the pool and fits stays unless balance or capacity forces a move; one whose
  manager is inactive or no longer an account manager, or does not fit, or who has none, must
  move; a manager outside the pool (no profile, not accepting) keeps their customers untouched;
- balance: customers go to the fitting manager with the fewest customers; then, as long as a
  manager holds a customer that a fitting manager with at least two fewer customers (and room
  under their capacity) could take, one moves: within any group of managers that can take each
  other's customers the counts end within one of each other, except where a capacity holds a
  manager lower; capacity (0 = none) is the most a manager should hold;
- stable: nothing else moves. Customers placed in this run are the first to move again, then the
  newest, so a re-run after a few changes moves those few (and only what balance then forces).
"""

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from kefu.org.choices import MANAGER_LEVEL_RANK

from .choices import MoveReason

ANY = None  # a manager's grids or regions left empty: serves every one


@dataclass
class Manager:
    id: int
    rank: int  # MANAGER_LEVEL_RANK of their level
    capacity: int = 0  # 0: no limit beyond balance
    grids: frozenset | None = ANY
    regions: frozenset | None = ANY
    unit_id: int | None = None
    load: int = 0

    def fits(self, grid: str, region: str, need: int) -> bool:
        return (
            self.rank >= need
            and (self.grids is ANY or grid in self.grids)
            and (self.regions is ANY or region in self.regions)
        )

    def has_room(self) -> bool:
        return not self.capacity or self.load < self.capacity


@dataclass
class Plan:
    """The result: moves {customer id: (from manager id or None, to manager id, reason)}."""

    moves: dict[int, tuple[int | None, int, str]] = field(default_factory=dict)
    unplaced: dict[int, str] = field(default_factory=dict)  # customer id → reason it had to move
    considered: int = 0
    loads_before: dict[int, int] = field(default_factory=dict)
    loads_after: dict[int, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for _from, _to, reason in self.moves.values():
            counts[reason] += 1
        return dict(counts)


def level_rank(level: str) -> int:
    return MANAGER_LEVEL_RANK.get(level, 1)


class _Engine:
    def __init__(self, pool: list[Manager]):
        self.pool = {m.id: m for m in pool}
        self.classes: dict[tuple, list[Manager]] = {}
        # held[class][manager id] = customer ids, placed-in-this-run ones last (they move first).
        self.held: dict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        # Classes a manager has held customers of, in the order met (a dict: the same order on
        # every run, where a set of strings would follow the process's hash seed).
        self.keys_of: dict[int, dict] = defaultdict(dict)
        self.origin: dict[int, int | None] = {}
        self.reason: dict[int, str] = {}
        self.start: dict[int, int] = {}  # each manager's customers before this run
        self.fit_keys: dict[int, set] = {}  # the classes each manager fits (for chains)

    def fitting(self, key: tuple) -> list[Manager]:
        managers = self.classes.get(key)
        if managers is None:
            grid, region, need = key
            managers = self.classes[key] = [m for m in self.pool.values() if m.fits(grid, region, need)]
        return managers

    def keep(self, key: tuple, manager: Manager, customer: int) -> None:
        self.held[key][manager.id].append(customer)
        self.keys_of[manager.id][key] = None
        manager.load += 1

    def _rank(self, manager: Manager) -> tuple:
        """Who takes the next customer: one with room; then one left with fewer than they had
        (so a re-run gives back what each lost and the earlier balance stays); then the fewest."""
        lost = min(0, manager.load - self.start[manager.id])
        return (not manager.has_room(), lost, manager.load, manager.id)

    def place_all(self, pending: dict[tuple, list[int]]) -> list[tuple[tuple, int]]:
        """Place the customers that must move, filling the emptiest managers first: the manager
        with the fewest (room first, then one left with fewer than they had) takes a customer of
        the most demanding class they fit (top tiers, then the classes with fewest managers).
        Returns (class, customer) of those left: nobody fits them, or they move only to make
        room and nobody fitting has any."""
        left = []
        queues = {}
        for key, customers in pending.items():
            if self.fitting(key):
                queues[key] = list(reversed(customers))  # popped from the end: in the order given
            else:
                left.extend((key, customer) for customer in customers)
        keys_for: dict[int, list[tuple]] = defaultdict(list)
        for key in sorted(queues, key=lambda k: (-k[2], len(self.fitting(k)), k[0], k[1])):
            for manager in self.fitting(key):
                keys_for[manager.id].append(key)
        position = dict.fromkeys(keys_for, 0)
        heap = [self._rank(self.pool[mid]) for mid in keys_for]
        heapq.heapify(heap)
        while heap:
            mid = heap[0][-1]
            manager = self.pool[mid]
            current = self._rank(manager)
            if current != heap[0]:
                heapq.heapreplace(heap, current)
                continue
            keys = keys_for[mid]
            while position[mid] < len(keys) and not queues[keys[position[mid]]]:
                position[mid] += 1
            if position[mid] == len(keys):
                heapq.heappop(heap)
                continue
            key = keys[position[mid]]
            customer = queues[key].pop()
            if current[0] and self.reason.get(customer) == MoveReason.CAPACITY:
                left.append((key, customer))
                continue
            self.keep(key, manager, customer)
            heapq.heapreplace(heap, self._rank(manager))
        return left

    def balance(self, max_rounds: int = 200) -> None:
        """Move one customer at a time from a fuller to an emptier fitting manager (≥ 2 apart):
        first only customers that move anyway in this run (placed now, or already moved), then,
        if that cannot even the counts, customers who would otherwise stay."""
        order = sorted(self.held, key=lambda k: (-k[2], k[0] or "", k[1] or ""))
        for free_only in (True, False):
            for _round in range(max_rounds):
                moved = sum(self._balance_class(key, free_only) for key in order)
                if not moved:  # chains only once single moves are done: they cost far more to find
                    moved = self._chains(free_only)
                if not moved:
                    break

    def _gives(self, key: tuple, manager_id: int, free_only: bool) -> bool:
        """Whether the manager has a customer of this class to give (the last held: moved ones
        are appended, so a moving customer is always given before a staying one)."""
        customers = self.held[key][manager_id]
        return bool(customers) and (not free_only or customers[-1] in self.reason)

    def _chains(self, free_only: bool) -> int:
        """Where a fuller manager holds nothing an emptier one (two or more fewer, same grid) can
        take, a customer goes to a third manager who passes one of theirs on: that third
        manager's count stays. Each move shrinks the gap, so it ends."""
        moved = 0
        by_grid: dict[str, list[Manager]] = defaultdict(list)
        for key in list(self.classes):
            for manager in self.classes[key]:
                by_grid[key[0]].append(manager)
        for managers in by_grid.values():
            managers = list({m.id: m for m in managers}.values())
            while self._chain_once(managers, free_only):
                moved += 1
        return moved

    def _chain_once(self, managers: list[Manager], free_only: bool, tries: int = 3) -> bool:
        """One chain between the grid's fullest and emptiest managers (a few of each)."""
        takers = sorted((m for m in managers if m.has_room()), key=lambda m: (m.load, m.id))[:tries]
        if not takers:
            return False
        for giver in sorted(managers, key=lambda m: (-m.load, m.id))[:tries]:
            if giver.load - takers[0].load < 2:
                return False
            for taker in takers:
                if giver.load - taker.load < 2:
                    break
                if self._pass_on(giver, taker, free_only):
                    return True
        return False

    def _fits_keys(self, manager: Manager) -> set:
        keys = self.fit_keys.get(manager.id)
        if keys is None:
            keys = self.fit_keys[manager.id] = {key for key in self.held if manager.fits(*key)}
        return keys

    def _pass_on(self, giver: Manager, taker: Manager, free_only: bool) -> bool:
        taker_keys = self._fits_keys(taker)
        for key in self.keys_of[giver.id]:
            if not self._gives(key, giver.id, free_only):
                continue
            for middle in self.fitting(key):
                if middle.id in (giver.id, taker.id):
                    continue
                for other in self.keys_of[middle.id]:
                    if other in taker_keys and (
                        self._gives(other, middle.id, free_only) or (other == key and free_only)
                    ):
                        first = self.held[key][giver.id].pop()
                        giver.load -= 1
                        self.keep(key, middle, first)
                        self.reason.setdefault(first, MoveReason.BALANCE)
                        second = self.held[other][middle.id].pop()
                        middle.load -= 1
                        self.keep(other, taker, second)
                        self.reason.setdefault(second, MoveReason.BALANCE)
                        return True
        return False

    def _balance_class(self, key: tuple, free_only: bool) -> int:
        fitting = self.fitting(key)
        if len(fitting) < 2:
            return 0
        holders = self.held[key]
        takers = [(m.load, m.id) for m in fitting if m.has_room()]
        givers = [(-self.pool[mid].load, mid) for mid in holders if self._gives(key, mid, free_only)]
        heapq.heapify(takers)
        heapq.heapify(givers)
        moved = 0
        while takers and givers:
            load, tid = takers[0]
            taker = self.pool[tid]
            if not taker.has_room():
                heapq.heappop(takers)
                continue
            if taker.load != load:
                heapq.heapreplace(takers, (taker.load, tid))
                continue
            negative, gid = givers[0]
            giver = self.pool[gid]
            if not self._gives(key, gid, free_only):
                heapq.heappop(givers)
                continue
            if giver.load != -negative:
                heapq.heapreplace(givers, (-giver.load, gid))
                continue
            if giver.load - taker.load < 2:
                break
            customer = holders[gid].pop()
            giver.load -= 1
            self.keep(key, taker, customer)
            self.reason.setdefault(customer, MoveReason.BALANCE)
            heapq.heapreplace(givers, (-giver.load, gid))
            heapq.heapreplace(takers, (taker.load, tid))
            moved += 1
        return moved

    def shed_over_capacity(self) -> list[tuple[tuple, int]]:
        """Customers above a manager's capacity, newest first: they move if someone has room."""
        shed = []
        for key, holders in self.held.items():
            for mid, customers in holders.items():
                manager = self.pool[mid]
                while manager.capacity and manager.load > manager.capacity and customers:
                    shed.append((key, customers.pop()))
                    manager.load -= 1
        return shed

    def shed_to_room(self) -> list[tuple[tuple, int, int]]:
        """Customers of managers over capacity (placed there when nobody fitting had room) that
        a fitting manager with room can now take, least demanding classes first, newest first."""
        shed = []
        for mid, manager in self.pool.items():
            for key in sorted(self.keys_of[mid], key=lambda k: k[2]):
                excess = manager.load - manager.capacity if manager.capacity else 0
                if excess <= 0:
                    break
                room = 0
                for other in self.fitting(key):
                    if other.id != mid:
                        room += (other.capacity - other.load) if other.capacity else excess
                customers = self.held[key][mid]
                for _n in range(min(excess, max(room, 0), len(customers))):
                    customer = customers.pop()
                    manager.load -= 1
                    self.reason.setdefault(customer, MoveReason.CAPACITY)
                    shed.append((key, customer, mid))
        return shed


def plan_assignment(
    managers: list[Manager],
    customers,
    *,
    tier_rank: dict[str, int],
    unavailable: set[int] = frozenset(),
    forced: dict[int, str] | None = None,
    balance: bool = True,
) -> Plan:
    """Work out the moves.

    - `managers`: the pool (who may take customers), with their profiles; a manager's `load`
      counts customers they hold that are not in `customers` (0 for the automatic assignment);
    - `customers`: (id, grid, region, tier code, current manager id or None) rows;
    - `tier_rank`: the level rank each tier code requires (a tier not listed: regular);
    - `unavailable`: manager ids whose customers must move (inactive, no longer an account
      manager); a current manager neither in the pool nor here keeps the customer untouched;
    - `forced`: customer ids that must move whoever holds them, with the reason (a departure);
    - `balance`: False for a departure, which moves the leaving manager's customers only.
    """
    engine = _Engine(managers)
    initial = {m.id: m.load for m in managers}  # customers they hold outside `customers` (a departure)
    forced = forced or {}
    pending: dict[tuple, list[int]] = defaultdict(list)
    plan = Plan()
    for customer, grid, region, tier, current in customers:
        plan.considered += 1
        key = (grid or "", region or "", tier_rank.get(tier, 1))
        engine.origin[customer] = current
        manager = engine.pool.get(current)
        if customer in forced:
            engine.reason[customer] = forced[customer]
            pending[key].append(customer)
        elif current is None:
            engine.reason[customer] = MoveReason.NO_MANAGER
            pending[key].append(customer)
        elif manager is None:
            if current in unavailable:
                engine.reason[customer] = MoveReason.MANAGER_UNAVAILABLE
                pending[key].append(customer)
            # else: a manager outside the pool keeps the customer
        elif manager.rank < key[2]:
            engine.reason[customer] = MoveReason.LEVEL
            pending[key].append(customer)
        elif not manager.fits(*key):
            engine.reason[customer] = MoveReason.GRID
            pending[key].append(customer)
        else:
            engine.keep(key, manager, customer)
    before: dict[int, int] = defaultdict(int)
    for current in engine.origin.values():
        before[current] += 1
    plan.loads_before = {m.id: initial[m.id] + before.get(m.id, 0) for m in managers}
    engine.start = plan.loads_before
    if balance:
        for key, customer in engine.shed_over_capacity():
            engine.reason[customer] = MoveReason.CAPACITY
            pending[key].append(customer)
    for key, customer in engine.place_all(pending):
        if engine.reason[customer] == MoveReason.CAPACITY:
            # Nobody fitting has room: it stays where it was.
            engine.keep(key, engine.pool[engine.origin[customer]], customer)
            del engine.reason[customer]
        else:
            plan.unplaced[customer] = engine.reason[customer]
    if balance:
        engine.balance()
        # Balance may have made room where a customer was placed over someone's capacity.
        for _round in range(10):
            shed = engine.shed_to_room()
            if not shed:
                break
            again: dict[tuple, list[int]] = defaultdict(list)
            came_from = {}
            for key, customer, mid in shed:
                again[key].append(customer)
                came_from[customer] = mid
            for key, customer in engine.place_all(again):  # others took the room first: it stays
                engine.keep(key, engine.pool[came_from[customer]], customer)
            engine.balance()
    for holders in engine.held.values():
        for mid, held in holders.items():
            for customer in held:
                before = engine.origin[customer]
                if before != mid:
                    plan.moves[customer] = (before, mid, engine.reason.get(customer, MoveReason.BALANCE))
    plan.loads_after = {m.id: m.load for m in managers}
    return plan


def spread_per_grid(managers: list[Manager], grids) -> dict[str, int]:
    """Per grid: max − min customers among the pool managers serving it that are under capacity
    (a manager held lower by their capacity is what the capacities force, not imbalance)."""
    spreads = {}
    for grid in grids:
        loads = [
            m.load for m in managers if (m.grids is ANY or grid in m.grids) and (not m.capacity or m.load < m.capacity)
        ]
        if loads:
            spreads[grid] = max(loads) - min(loads)
    return spreads
