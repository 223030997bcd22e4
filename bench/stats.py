"""Pure helpers of the benchmarks: percentiles, histogram quantiles, rates, trends, ratio tables."""

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentiles(values: Iterable[float], points: Sequence[float]) -> list[float]:
    """Nearest-rank percentiles (``nan`` for no values): p99 of 100 values is the 99th."""
    ordered = sorted(values)
    if not ordered:
        return [math.nan for _ in points]
    return [ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] for p in points]


def parse_prometheus(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Samples of a ``/metrics`` page by (name, labels)."""
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)", line)
        if match is None:
            continue
        name, labels, value = match.groups()
        pairs = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', labels or ""))
        samples[(name, pairs)] = float(value)
    return samples


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def histogram_quantiles(
    before: Samples, after: Samples, name: str, points: Sequence[float], **labels: str
) -> tuple[int, list[float]]:
    """Observations between two scrapes of a histogram, and their quantiles (seconds), linearly
    interpolated inside buckets as Prometheus' ``histogram_quantile`` does."""
    buckets: dict[float, float] = {}
    for (n, ls), value in after.items():
        if n != f"{name}_bucket" or not set(labels.items()) <= ls:
            continue
        bound = float(dict(ls)["le"])
        earlier = before.get((n, ls), 0.0)
        buckets[bound] = buckets.get(bound, 0.0) + value - earlier
    bounds = sorted(buckets)
    count = buckets.get(math.inf, 0.0)
    if not count:
        return 0, [math.nan for _ in points]
    out = []
    for p in points:
        rank, lower, below = p / 100 * count, 0.0, 0.0
        for bound in bounds:
            if buckets[bound] >= rank:
                if math.isinf(bound):
                    out.append(lower)
                else:
                    inside = buckets[bound] - below
                    out.append(lower + (bound - lower) * ((rank - below) / inside if inside else 1))
                break
            lower, below = bound, buckets[bound]
    return int(count), out


def slope(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (t, value) points; 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (v - mv) for t, v in points) / den if den else 0.0


def drift(first: float, last: float) -> float:
    """Relative change from ``first`` to ``last`` (0.1 is +10%)."""
    return (last - first) / first if first else math.nan


@dataclass(frozen=True)
class Row:
    """One line of the ratio table: Agora's figure next to the baseline it is measured against."""

    figure: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    higher_is_better: bool = True

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else math.nan


def _num(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def ratio_table(rows: Sequence[Row]) -> str:
    """Rows as aligned text: figure, value, baseline, ratio (value / baseline)."""
    lines = [f"{'figure':<46}{'Agora':>11}  {'baseline':<36}{'value':>10}{'ratio':>8}"]
    for row in rows:
        ratio = "n/a" if math.isnan(row.ratio) else f"{row.ratio:.0%}"
        lines.append(
            f"{row.figure:<46}{_num(row.value):>8} {row.unit:<3} {row.baseline_name:<36}"
            f"{_num(row.baseline):>10}{ratio:>8}"
        )
    return "\n".join(lines)
