from .survey import *  # noqa: F401,F403
from .survey import __all__ as _survey_all

try:  # the analysis models (helper-owned module; may be an empty placeholder)
    from .analysis import *  # noqa: F401,F403
    from .analysis import __all__ as _analysis_all
except ImportError:  # pragma: no cover - module without __all__ / not there yet
    _analysis_all = []

__all__ = [*_survey_all, *_analysis_all]
