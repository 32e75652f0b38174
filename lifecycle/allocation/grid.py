"""The grid in plain Python: bands, segments, and the validation of an edited grid.

A score is in band k when exactly k boundaries are ≤ the score: boundaries are inclusive on
their lower edge, so a score EQUAL to a boundary belongs to the higher band (with the default
attractiveness boundary 50: 49 is low, 50 and 51 are high). The SQL of the nightly job
(engine.py) says the same with CASE expressions; tests check both against each other.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

SEGMENTS = 6


@dataclass(frozen=True)
class Grid:
    attractiveness_bounds: tuple[int, ...]
    fit_bounds: tuple[int, ...]
    segments: tuple[tuple[int, ...], ...]  # [attractiveness band][fit band], low → high

    @classmethod
    def from_settings(cls, settings) -> "Grid":
        return cls(
            attractiveness_bounds=tuple(int(b) for b in settings.attractiveness_bounds),
            fit_bounds=tuple(int(b) for b in settings.fit_bounds),
            segments=tuple(tuple(int(n) for n in row) for row in settings.segments),
        )

    def band(self, score: int, bounds: tuple[int, ...]) -> int:
        return sum(1 for bound in bounds if score >= bound)

    def cell(self, attractiveness: int, fit: int) -> tuple[int, int]:
        return self.band(attractiveness, self.attractiveness_bounds), self.band(fit, self.fit_bounds)

    def segment(self, attractiveness: int, fit: int) -> int:
        a, f = self.cell(attractiveness, fit)
        return self.segments[a][f]

    def cells(self) -> list[dict]:
        """Every cell with its score ranges, from high attractiveness down, fit low → high."""
        a_ranges = _ranges(self.attractiveness_bounds)
        f_ranges = _ranges(self.fit_bounds)
        out = []
        for a in reversed(range(len(a_ranges))):
            for f in range(len(f_ranges)):
                out.append({
                    "attractiveness_band": a, "fit_band": f, "segment": self.segments[a][f],
                    "attractiveness_range": list(a_ranges[a]), "fit_range": list(f_ranges[f]),
                })
        return out


def _ranges(bounds) -> list[tuple[int, int]]:
    edges = [0, *bounds, 101]
    return [(edges[i], edges[i + 1] - 1) for i in range(len(edges) - 1)]


def validate_bounds(bounds, field: str) -> dict:
    """Errors of one axis' boundaries: 1 or 2 whole numbers, 1…100, strictly ascending."""
    if not isinstance(bounds, (list, tuple)) or not 1 <= len(bounds) <= 2:
        return {field: [_("Give one or two boundaries.")]}
    if any(isinstance(b, bool) or not isinstance(b, int) for b in bounds):
        return {field: [_("Boundaries are whole numbers.")]}
    if any(not 1 <= b <= 100 for b in bounds):
        return {field: [_("Boundaries are between 1 and 100.")]}
    if any(b2 <= b1 for b1, b2 in zip(bounds, bounds[1:])):
        return {field: [_("Boundaries must rise strictly: bands may not overlap.")]}
    return {}


def validate_grid(*, attractiveness_bounds, fit_bounds, segments, priority, rank_shares) -> dict:
    """Field errors of an edited grid ({} when valid)."""
    errors: dict = {}
    errors.update(validate_bounds(attractiveness_bounds, "attractiveness_bounds"))
    errors.update(validate_bounds(fit_bounds, "fit_bounds"))
    if errors:
        return errors
    rows, cols = len(attractiveness_bounds) + 1, len(fit_bounds) + 1
    if rows * cols != SEGMENTS:
        return {"fit_bounds": [_("The grid has six cells: give one boundary on one axis and two on the other.")]}
    expected = set(range(1, SEGMENTS + 1))
    if (
        not isinstance(segments, (list, tuple)) or len(segments) != rows
        or any(not isinstance(row, (list, tuple)) or len(row) != cols for row in segments)
    ):
        errors["segments"] = [_("Give %(rows)d rows of %(cols)d segment numbers.") % {"rows": rows, "cols": cols}]
    elif any(isinstance(n, bool) or not isinstance(n, int) for row in segments for n in row) or {
        n for row in segments for n in row
    } != expected:
        errors["segments"] = [_("Number the six cells 1 to 6, each number once.")]
    if (
        not isinstance(priority, (list, tuple)) or len(priority) != SEGMENTS
        or any(isinstance(n, bool) or not isinstance(n, int) for n in priority) or set(priority) != expected
    ):
        errors["priority"] = [_("List every segment 1 to 6 once, most favoured first.")]
    if (
        not isinstance(rank_shares, (list, tuple)) or len(rank_shares) != SEGMENTS
        or any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in rank_shares)
    ):
        errors["rank_shares"] = [_("Give six whole percentages of 0 or more, one per priority rank.")]
    elif sum(rank_shares) != 100:
        errors["rank_shares"] = [_("The shares must add up to 100.")]
    return errors
