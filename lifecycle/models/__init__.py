from .config import LifecycleSettings, StagePlaybook, StageThreshold
from .indicators import IndicatorRun, IndicatorRunStatus, IndicatorSnapshot
from .plans import PlanEvent, PlanNote, RetentionAction, RetentionPlan
from .runs import LifecycleRun, LifecycleRunChunk
from .state import LifecycleSnapshot, PartnerLifecycle, RiskFlag, RiskHit, StageChange, StageOverride

__all__ = [
    "IndicatorRun",
    "IndicatorRunStatus",
    "IndicatorSnapshot",
    "LifecycleRun",
    "LifecycleRunChunk",
    "LifecycleSettings",
    "LifecycleSnapshot",
    "PartnerLifecycle",
    "PlanEvent",
    "PlanNote",
    "RetentionAction",
    "RetentionPlan",
    "RiskFlag",
    "RiskHit",
    "StageChange",
    "StageOverride",
    "StagePlaybook",
    "StageThreshold",
]
