import pytest

from lifecycle.allocation import measures as registry


@pytest.fixture
def measures_only():
    """Replace the measure registry for one test: measures_only(Measure, …); restored after."""
    saved = dict(registry._measures)

    def use(*measures):
        registry._measures.clear()
        for measure in measures:
            registry.register_measure(measure)

    yield use
    registry._measures.clear()
    registry._measures.update(saved)
