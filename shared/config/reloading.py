"""The configuration in force, re-read when its file changes: no restart to change routing.

A changed file that does not validate is refused (logged with its problems) and the previous
configuration stays in force, so a typo never stops the service.
"""

import logging
from pathlib import Path

from shared.config.loader import ConfigError, load_config
from shared.config.models import AgoraConfig
from shared.workers import Periodic

log = logging.getLogger(__name__)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class ConfigSource:
    """Holds the current configuration of ``path``; ``reload()`` picks up a changed file."""

    def __init__(self, path: Path, config: AgoraConfig | None = None) -> None:
        self.path = path
        self._stamp = _stamp(path)
        self._config = config if config is not None else load_config(path)

    @property
    def current(self) -> AgoraConfig:
        return self._config

    def __call__(self) -> AgoraConfig:
        return self._config

    def reload(self) -> bool:
        """Read the file if it changed; True when a new configuration is now in force."""
        stamp = _stamp(self.path)
        if stamp is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            config = load_config(self.path)
        except ConfigError as error:
            log.error(
                "config_reload_refused",
                extra={"path": str(self.path), "problems": error.problems},
            )
            return False
        self._config = config
        log.info("config_reloaded", extra={"path": str(self.path)})
        return True

    def watch(self, interval_s: float) -> Periodic:
        """A worker re-reading the file every ``interval_s``."""

        async def reload() -> None:
            self.reload()

        return Periodic("config_reload", reload, interval_s=interval_s, first_after_s=interval_s)
