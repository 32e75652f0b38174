"""The proposed budget split: exact sums (property), priority, redistribution, per-partner parts."""
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from lifecycle.allocation.budget import equal_parts, largest_remainder, split_budget

PRIORITY = [2, 1, 4, 3, 5, 6]
SHARES = [50, 30, 20, 0, 0, 0]


@given(total=st.integers(0, 10**12), weights=st.lists(st.integers(0, 100), min_size=1, max_size=8))
def test_largest_remainder_sums_exactly(total, weights):
    parts = largest_remainder(total, weights)
    if sum(weights) == 0:
        assert parts == [0] * len(weights)
    else:
        assert sum(parts) == total
        for part, weight in zip(parts, weights):
            exact = Decimal(total) * weight / sum(weights)
            assert abs(part - exact) < 1
            if weight == 0:
                assert part == 0


money = st.decimals(min_value=0, max_value=Decimal("1000000000000"), places=2, allow_nan=False, allow_infinity=False)
counts = st.dictionaries(st.integers(1, 6), st.integers(0, 100000), max_size=6)
shares = st.lists(st.integers(0, 100), min_size=6, max_size=6).filter(lambda s: sum(s) > 0)


@settings(max_examples=200)
@given(funds=money, seats=st.integers(0, 10**6), partners=counts, rank_shares=shares)
def test_split_sums_exactly_to_the_input(funds, seats, partners, rank_shares):
    result = split_budget(market_funds=funds, training_seats=seats, priority=PRIORITY, rank_shares=rank_shares,
                          partners_by_segment=partners)
    rows = result["segments"]
    funded = any(partners.get(seg, 0) > 0 and share > 0 for seg, share in zip(PRIORITY, rank_shares))
    assert sum(r["market_funds"] for r in rows) + result["unallocated_market_funds"] == funds
    assert sum(r["training_seats"] for r in rows) + result["unallocated_training_seats"] == seats
    if funded:
        assert result["unallocated_market_funds"] == 0 and result["unallocated_training_seats"] == 0
    else:
        assert result["allocated_market_funds"] == 0 and result["allocated_training_seats"] == 0
    for r in rows:
        assert r["market_funds"] == r["market_funds"].quantize(Decimal("0.01"))
        if r["partners"]:
            # per partner: base × n + extras = the segment's amount, in fen and seats
            fen = int(r["market_funds"] * 100)
            assert int(r["market_funds_per_partner"] * 100) * r["partners"] + r["market_funds_extra_partners"] == fen
            assert r["training_seats_per_partner"] * r["partners"] + r["training_seats_extra_partners"] == r["training_seats"]
        else:
            assert r["market_funds"] == 0 and r["training_seats"] == 0


def test_default_shares_follow_the_priority():
    result = split_budget(market_funds=Decimal("1000000.00"), training_seats=101, priority=PRIORITY, rank_shares=SHARES,
                          partners_by_segment={1: 10, 2: 20, 3: 5, 4: 7, 5: 1, 6: 1})
    by_segment = {r["segment"]: r for r in result["segments"]}
    assert [r["segment"] for r in result["segments"]][:3] == [2, 1, 4]
    assert by_segment[2]["market_funds"] == Decimal("500000.00")
    assert by_segment[1]["market_funds"] == Decimal("300000.00")
    assert by_segment[4]["market_funds"] == Decimal("200000.00")
    assert by_segment[3]["market_funds"] == 0
    # 101 seats: 50.5 / 30.3 / 20.2 → 50 30 20 + the one left goes to the largest remainder (segment 2)
    assert (by_segment[2]["training_seats"], by_segment[1]["training_seats"], by_segment[4]["training_seats"]) == (51, 30, 20)
    assert by_segment[2]["market_funds_per_partner"] == Decimal("25000.00")


def test_an_empty_funded_segment_passes_its_share_on():
    result = split_budget(market_funds=Decimal("100.00"), training_seats=10, priority=PRIORITY, rank_shares=SHARES,
                          partners_by_segment={2: 3, 4: 1})
    by_segment = {r["segment"]: r for r in result["segments"]}
    assert by_segment[1]["market_funds"] == 0
    # 50 : 20 of 100.00 → 71.43 and 28.57
    assert by_segment[2]["market_funds"] == Decimal("71.43")
    assert by_segment[4]["market_funds"] == Decimal("28.57")
    assert by_segment[2]["training_seats"] + by_segment[4]["training_seats"] == 10


def test_nobody_in_funded_segments_allocates_nothing():
    result = split_budget(market_funds=Decimal("5.00"), training_seats=3, priority=PRIORITY, rank_shares=SHARES,
                          partners_by_segment={6: 100})
    assert result["unallocated_market_funds"] == Decimal("5.00") and result["unallocated_training_seats"] == 3


def test_equal_parts():
    assert equal_parts(10, 3) == (3, 1)
    assert equal_parts(2, 5) == (0, 2)
    assert equal_parts(7, 0) == (0, 0)
