"""Components too large for one task: candidate pairs verified by join, in bounded groups.

Placeholder until the join path lands: giant components are verified in one
task like the others.
"""

from __future__ import annotations

from typing import Any

from ..config import DetectorConfig
from .verify import verify_components

__all__ = ["verify_giants"]


def verify_giants(docs: Any, config: DetectorConfig, model: Any) -> Any:
    return verify_components(docs, config, model)
