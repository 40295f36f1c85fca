"""Time series kept beside entities: pipeline statuses and usage counts.

- Pipeline statuses (``PipelineRepository.addPipelineStatus``): one ``PipelineStatus`` per
  pipeline FQN and ``timestamp`` (epoch ms); a second status at the same timestamp
  replaces the first (the server upserts on the timestamp).
- Usage (``UsageRepository``): a count per entity id and day (``YYYY-MM-DD``);
  ``PUT /usage/...`` adds to the day's count (``insertOrUpdateCount``), ``POST`` replaces
  it (``insertOrReplaceCount``). ``usageSummary`` sums the last 1, 7 and 30 days; the
  stand-in does not compute percentile ranks (they stay 0, as before the server's
  ``compute.percentile`` job runs).
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

Json = dict[str, Any]


class PipelineStatuses:
    """Pipeline statuses by pipeline FQN and timestamp."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_pipeline: dict[str, dict[int, Json]] = {}

    def put(self, pipeline_fqn: str, status: Json) -> None:
        with self._lock:
            self._by_pipeline.setdefault(pipeline_fqn, {})[int(status["timestamp"])] = status

    def between(self, pipeline_fqn: str, start_ts: int, end_ts: int) -> list[Json]:
        """Statuses with ``start_ts <= timestamp <= end_ts``, newest first."""
        with self._lock:
            found = self._by_pipeline.get(pipeline_fqn, {})
            return [found[ts] for ts in sorted(found, reverse=True) if start_ts <= ts <= end_ts]

    def latest(self, pipeline_fqn: str) -> Json | None:
        with self._lock:
            found = self._by_pipeline.get(pipeline_fqn, {})
            return found[max(found)] if found else None

    def count(self, pipeline_fqn: str) -> int:
        with self._lock:
            return len(self._by_pipeline.get(pipeline_fqn, {}))

    def delete(self, pipeline_fqn: str, timestamp: int) -> bool:
        with self._lock:
            return self._by_pipeline.get(pipeline_fqn, {}).pop(timestamp, None) is not None

    def forget(self, pipeline_fqn: str) -> None:
        with self._lock:
            self._by_pipeline.pop(pipeline_fqn, None)


class Usage:
    """Daily usage counts by entity id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_entity: dict[str, dict[str, int]] = {}

    def add(self, entity_id: str, day: str, count: int, replace: bool = False) -> None:
        with self._lock:
            days = self._by_entity.setdefault(entity_id, {})
            days[day] = count if replace else days.get(day, 0) + count

    def summary(self, entity_id: str) -> Json | None:
        """``usageSummary`` (UsageDetails) as of the latest day reported, or None."""
        with self._lock:
            days = dict(self._by_entity.get(entity_id, {}))
        if not days:
            return None
        latest = max(days)
        end = date.fromisoformat(latest)

        def total(span: int) -> int:
            first = end - timedelta(days=span - 1)
            return sum(n for day, n in days.items() if first <= date.fromisoformat(day) <= end)

        return {
            "date": latest,
            "dailyStats": {"count": total(1), "percentileRank": 0.0},
            "weeklyStats": {"count": total(7), "percentileRank": 0.0},
            "monthlyStats": {"count": total(30), "percentileRank": 0.0},
        }

    def forget(self, entity_id: str) -> None:
        with self._lock:
            self._by_entity.pop(entity_id, None)
