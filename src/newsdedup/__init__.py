"""newsdedup: find exact, near-duplicate, partially copied and rewritten news articles."""

from .compare import Comparison, compare
from .config import DetectorConfig
from .errors import NewsDedupError
from .pipeline import Detector
from .models import Article, Cluster, Match, Member, Relation, Result, Scores

__version__ = "0.1.0"

__all__ = sorted([
    "Article",
    "Cluster",
    "Comparison",
    "Detector",
    "DetectorConfig",
    "Match",
    "Member",
    "NewsDedupError",
    "Relation",
    "Result",
    "Scores",
    "__version__",
    "compare",
])
