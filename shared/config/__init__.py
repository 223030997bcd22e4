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

__all__ = [
    "Agency",
    "AgoraConfig",
    "ConfigError",
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
