"""Agency configuration (``agora.yaml``): models and the loader."""

from shared.config.loader import ConfigError, load_config, parse_config
from shared.config.models import (
    Agency,
    AgoraConfig,
    Connection,
    Fact,
    KeywordRule,
    Match,
    RoutingRule,
    SlaPolicy,
    Team,
    TopicDef,
)

__all__ = [
    "Agency",
    "AgoraConfig",
    "ConfigError",
    "Connection",
    "Fact",
    "KeywordRule",
    "Match",
    "RoutingRule",
    "SlaPolicy",
    "Team",
    "TopicDef",
    "load_config",
    "parse_config",
]
