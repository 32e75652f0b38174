"""The proposed split of a resource budget by segment priority (computed, not stored).

Rule: each priority rank gets its share of the budget (AllocationSettings.rank_shares, by
default 50 % to the first rank — segment 2 — 30 % to segment 1 and 20 % to segment 4, nothing to
the others). A funded segment without partners (under the chosen filters) passes its share on to
the funded segments that have partners, in proportion to their shares; if none has partners,
nothing is allocated. Within a segment every partner gets an equal part.

Exactness: amounts are split in whole units (fen for money, seats for training) by the largest
remainder method, so the parts always add up to exactly the input: first between segments (ties
of the remainder go to the higher priority), then between the partners of a segment (the extra
units go to the partners with the higher attractiveness, then fit, then the lower id).
"""
from __future__ import annotations

from decimal import Decimal

CENT = Decimal("0.01")


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split the whole number `total` in proportion to `weights` (≥ 0), summing exactly to total.
    Ties of the remainder go to the earlier weight. All zero weights: all zero parts."""
    if total < 0:
        raise ValueError("total must be ≥ 0")
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    floors = [total * w // whole for w in weights]
    left = total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def equal_parts(total: int, n: int) -> tuple[int, int]:
    """(base part, how many of the first partners get one unit more) for n partners."""
    if n <= 0:
        return 0, 0
    return total // n, total % n


def split_budget(*, market_funds: Decimal, training_seats: int, priority: list[int], rank_shares: list[int],
                 partners_by_segment: dict[int, int]) -> dict:
    """The split per segment, in priority order, with the per-partner parts."""
    fen = int((Decimal(market_funds) * 100).to_integral_value())
    shares = [share if partners_by_segment.get(segment, 0) > 0 else 0 for segment, share in zip(priority, rank_shares)]
    money = largest_remainder(fen, shares)
    seats = largest_remainder(int(training_seats), shares)
    rows = []
    for rank, (segment, nominal, share, seg_fen, seg_seats) in enumerate(
        zip(priority, rank_shares, shares, money, seats), start=1
    ):
        n = partners_by_segment.get(segment, 0)
        fen_base, fen_extra = equal_parts(seg_fen, n)
        seat_base, seat_extra = equal_parts(seg_seats, n)
        rows.append({
            "segment": segment,
            "rank": rank,
            "share": nominal,
            "partners": n,
            "market_funds": yuan(seg_fen),
            "training_seats": seg_seats,
            "market_funds_per_partner": yuan(fen_base) if n else None,
            "market_funds_extra_partners": fen_extra,
            "training_seats_per_partner": seat_base if n else None,
            "training_seats_extra_partners": seat_extra,
        })
    allocated_fen, allocated_seats = sum(money), sum(seats)
    return {
        "market_funds": yuan(fen),
        "training_seats": int(training_seats),
        "allocated_market_funds": yuan(allocated_fen),
        "allocated_training_seats": allocated_seats,
        "unallocated_market_funds": yuan(fen - allocated_fen),
        "unallocated_training_seats": int(training_seats) - allocated_seats,
        "segments": rows,
    }
