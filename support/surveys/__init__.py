"""Satisfaction surveys: periodic campaigns and the short survey after a resolved support request.

Partner users rate the report's 12 factors for importance and satisfaction (grouped into the five
categories); the analysis (importance–performance, the satisfaction index) lives in `analysis/`.
"""


def module_exists(name: str) -> bool:
    """Whether an (optional) module of this package is there, without importing it."""
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False
