from .analysis import *  # noqa: F401,F403
from .analysis import __all__ as _analysis_all
from .survey import *  # noqa: F401,F403
from .survey import __all__ as _survey_all

__all__ = [*_survey_all, *_analysis_all]
