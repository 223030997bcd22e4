"""Metrics' own settings: retention, the public minimum group size, the roll-up refresh."""

import pytest
from pydantic import ValidationError

from services.metrics.settings import MetricsSettings


def test_defaults_keep_400_days_publish_groups_of_10_and_refresh_every_30_seconds() -> None:
    fields = MetricsSettings.model_fields
    assert fields["retention_days"].default == 400
    assert fields["min_public_group"].default == 10
    assert fields["rollup_interval_s"].default == 30.0


@pytest.mark.parametrize(
    "override", [{"retention_days": 0}, {"min_public_group": 0}, {"rollup_interval_s": -1}]
)
def test_out_of_range_values_are_refused(
    override: dict[str, float],
) -> None:
    with pytest.raises(ValidationError):
        MetricsSettings(**override)


def test_a_replica_can_leave_the_refresh_to_another() -> None:
    assert MetricsSettings(rollup_interval_s=0).rollup_interval_s == 0
