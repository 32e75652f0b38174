"""Segment assignment at the grid's boundaries: a score equal to a boundary is in the higher band.
Checked in Python (grid.Grid) and in the SQL the job and the edits run (engine.derive_segments)."""
import pytest

from lifecycle.allocation import engine
from lifecycle.allocation.grid import Grid, validate_grid
from lifecycle.allocation.models import AllocationSettings, PartnerAllocation

from .factories import PartnerAllocationFactory

DEFAULT = Grid(attractiveness_bounds=(50,), fit_bounds=(34, 67), segments=((6, 5, 4), (3, 2, 1)))

# (attractiveness, fit) -> segment under the defaults: rows high attractiveness 3·2·1 (fit low→high),
# low attractiveness 6·5·4.
BOUNDARY_CASES = [
    (49, 10, 6), (50, 10, 3), (51, 10, 3),
    (49, 33, 6), (49, 34, 5), (49, 35, 5),
    (49, 66, 5), (49, 67, 4), (49, 68, 4),
    (50, 33, 3), (50, 34, 2), (50, 66, 2), (50, 67, 1),
    (51, 35, 2), (51, 68, 1),
    (0, 0, 6), (100, 100, 1), (0, 100, 4), (100, 0, 3),
]


@pytest.mark.parametrize("a,f,segment", BOUNDARY_CASES)
def test_python_grid_at_boundaries(a, f, segment):
    assert DEFAULT.segment(a, f) == segment


def test_default_settings_are_the_documented_grid(db):
    assert Grid.from_settings(AllocationSettings.load()) == DEFAULT
    settings = AllocationSettings.load()
    assert settings.priority[:3] == [2, 1, 4]
    assert settings.rank_shares == [50, 30, 20, 0, 0, 0]


@pytest.mark.django_db
def test_sql_segments_at_boundaries_match_python():
    rows = [PartnerAllocationFactory(attractiveness=a, fit=f, segment=0, attractiveness_band=9, fit_band=9)
            for a, f, _s in BOUNDARY_CASES]
    ids = [r.partner_id for r in rows]
    engine.derive_segments(lo=min(ids), hi=max(ids), grid=DEFAULT)
    got = {p.partner_id: p.segment for p in PartnerAllocation.objects.all()}
    for row, (a, f, segment) in zip(rows, BOUNDARY_CASES):
        assert got[row.partner_id] == segment, (a, f)


@pytest.mark.django_db
def test_sql_segments_on_a_three_by_two_grid():
    grid = Grid(attractiveness_bounds=(40, 70), fit_bounds=(60,), segments=((5, 6), (3, 4), (1, 2)))
    cases = [(39, 59, 5), (40, 59, 3), (69, 60, 4), (70, 59, 1), (70, 60, 2), (100, 100, 2), (0, 60, 6)]
    rows = [PartnerAllocationFactory(attractiveness=a, fit=f) for a, f, _s in cases]
    engine.derive_segments(lo=min(r.partner_id for r in rows), hi=max(r.partner_id for r in rows), grid=grid)
    for row, (a, f, segment) in zip(rows, cases):
        row.refresh_from_db()
        assert (row.segment, grid.segment(a, f)) == (segment, segment), (a, f)
        assert (row.attractiveness_band, row.fit_band) == grid.cell(a, f)


def test_cells_cover_0_to_100_without_overlap():
    cells = DEFAULT.cells()
    assert len(cells) == 6
    assert {tuple(c["attractiveness_range"]) for c in cells} == {(0, 49), (50, 100)}
    assert {tuple(c["fit_range"]) for c in cells} == {(0, 33), (34, 66), (67, 100)}
    assert cells[0]["segment"] == 3  # high attractiveness, low fit comes first


GOOD = dict(attractiveness_bounds=[50], fit_bounds=[34, 67], segments=[[6, 5, 4], [3, 2, 1]],
            priority=[2, 1, 4, 3, 5, 6], rank_shares=[50, 30, 20, 0, 0, 0])


@pytest.mark.parametrize("change,field", [
    ({"fit_bounds": [67, 34]}, "fit_bounds"),
    ({"fit_bounds": [50, 50]}, "fit_bounds"),
    ({"attractiveness_bounds": [0]}, "attractiveness_bounds"),
    ({"attractiveness_bounds": [101]}, "attractiveness_bounds"),
    ({"attractiveness_bounds": []}, "attractiveness_bounds"),
    ({"attractiveness_bounds": [30, 60]}, "fit_bounds"),  # 3 × 3 is not six cells
    ({"segments": [[6, 5, 4], [3, 2, 2]]}, "segments"),
    ({"segments": [[6, 5, 4], [3, 2, 7]]}, "segments"),
    ({"segments": [[6, 5], [4, 3], [2, 1]]}, "segments"),
    ({"priority": [2, 1, 4]}, "priority"),
    ({"priority": [2, 1, 4, 3, 5, 5]}, "priority"),
    ({"rank_shares": [50, 30, 20, 1, 0, 0]}, "rank_shares"),
    ({"rank_shares": [110, -10, 0, 0, 0, 0]}, "rank_shares"),
])
def test_invalid_grids_are_refused(change, field):
    assert field in validate_grid(**{**GOOD, **change})


def test_valid_grids():
    assert validate_grid(**GOOD) == {}
    assert validate_grid(**{**GOOD, "attractiveness_bounds": [40, 70], "fit_bounds": [60],
                            "segments": [[5, 6], [3, 4], [1, 2]]}) == {}
