"""newsdedup: find exact, near-duplicate, partially copied and rewritten news articles."""

from .config import DetectorConfig
from .errors import NewsDedupError
from .models import Article, Cluster, Match, Member, Relation, Result, Scores

__version__ = "0.1.0"

__all__ = sorted([
    "Article",
    "Cluster",
    "DetectorConfig",
    "Match",
    "Member",
    "NewsDedupError",
    "Relation",
    "Result",
    "Scores",
    "__version__",
])
