from .commendations import Commendation
from .criteria import ClassificationLevel, CriteriaSet, Criterion
from .evaluations import Evaluation, EvaluationEvent, Score

__all__ = ["ClassificationLevel", "Commendation", "CriteriaSet", "Criterion", "Evaluation", "EvaluationEvent", "Score"]
