"""Demo data steps that apps add to `manage.py seed_demo`.

The partners app generates partners and sales; an app whose pages need data of their own
(survey answers, applications, …) registers a step in its AppConfig.ready():

    from prm.demo import DemoContext, register_demo_step
    register_demo_step("surveys", seed_survey_answers, order=30)

A step is `fn(ctx: DemoContext) -> str`: it runs after the partners and sales exist, in order,
each in its own transaction, and returns a one-line summary for the command's output. Steps must
be deterministic (use `ctx.rng(key)`, seeded from the command's --seed) and keep to set-based
writes (bulk_create, INSERT … SELECT), since seed_demo also builds benchmark data at 100,000
partners. They run only when seed_demo generates data, so an existing database is left alone.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class DemoContext:
    seed: int
    today: dt.date
    partners: int
    log: Callable[[str], None] | None = None

    def rng(self, key: str) -> random.Random:
        """A random generator of the step's own, so adding a step never changes another's data."""
        return random.Random(f"{self.seed}:{key}")


@dataclass(frozen=True)
class DemoStep:
    key: str
    run: Callable[[DemoContext], str]
    order: int = 100


_steps: dict[str, DemoStep] = {}


def register_demo_step(key: str, run: Callable[[DemoContext], str], *, order: int = 100) -> None:
    _steps[key] = DemoStep(key=key, run=run, order=order)


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))
