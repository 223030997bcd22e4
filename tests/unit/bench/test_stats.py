"""The benchmarks' arithmetic: percentiles, histogram quantiles, trends and the ratio table."""

import math

from bench.stats import (
    Row,
    drift,
    histogram_quantiles,
    parse_prometheus,
    percentiles,
    ratio_table,
    slope,
)

PAGE_BEFORE = """
# TYPE h histogram
h_bucket{stage="a",le="0.1"} 10.0
h_bucket{stage="a",le="1.0"} 10.0
h_bucket{stage="a",le="+Inf"} 10.0
"""
PAGE_AFTER = """
h_bucket{stage="a",le="0.1"} 60.0
h_bucket{stage="a",le="1.0"} 110.0
h_bucket{stage="a",le="+Inf"} 110.0
h_bucket{stage="b",le="+Inf"} 5.0
"""


def test_percentiles_are_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentiles(values, (50, 99, 100)) == [50, 99, 100]
    assert all(math.isnan(p) for p in percentiles([], (50,)))


def test_histogram_quantiles_count_only_what_happened_between_two_scrapes() -> None:
    before, after = parse_prometheus(PAGE_BEFORE), parse_prometheus(PAGE_AFTER)
    count, (p50, p75) = histogram_quantiles(before, after, "h", (50, 75), stage="a")
    assert count == 100
    assert math.isclose(p50, 0.1)
    assert math.isclose(p75, 0.1 + 0.9 * 0.5)


def test_slope_and_drift() -> None:
    assert math.isclose(slope([(0, 1), (1, 3), (2, 5)]), 2.0)
    assert slope([(0, 1)]) == 0.0
    assert math.isclose(drift(100, 80), -0.2)


def test_the_ratio_table_shows_each_figure_against_its_baseline() -> None:
    table = ratio_table([Row("ingest req/s", 1200, "/s", "bare FastAPI", 6000)])
    assert "ingest req/s" in table
    assert "20%" in table
