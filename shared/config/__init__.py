"""Agency configuration (``agora.yaml``): models and the loader."""

from shared.config.loader import ConfigError, load_config, parse_config
from shared.config.models import (
    Agency,
    AgoraConfig,
    Connection,
    Fact,
    KeywordRule,
    Match,
    Member,
    RoutingRule,
    SlaPolicy,
    Team,
    Template,
    TopicDef,
)
from shared.config.reloading import ConfigSource

__all__ = [
    "Agency",
    "AgoraConfig",
    "ConfigError",
    "ConfigSource",
    "Connection",
    "Fact",
    "KeywordRule",
    "Match",
    "Member",
    "RoutingRule",
    "SlaPolicy",
    "Team",
    "Template",
    "TopicDef",
    "load_config",
    "parse_config",
]
