"""Load ``agora.yaml``; every error names the file, the line and the field."""

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shared.config.models import AgoraConfig


class ConfigError(Exception):
    """A configuration file that cannot be used, with one readable line per problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.path = path
        self.problems = problems


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
            if child is None:
                key = next((k for k, _ in node.value if k.value == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def parse_config(text: str, path: Path) -> AgoraConfig:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(path, [f"{where}: not valid YAML: {error}"]) from error
    try:
        return AgoraConfig.model_validate(data if data is not None else {})
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(p for p in item["loc"] if not str(p).startswith("function-"))
            message = item["msg"].removeprefix("Value error, ")
            if message.startswith("@"):  # a model validator naming the field it is about
                where_in_model, _, message = message[1:].partition(": ")
                loc += tuple(int(p) if p.isdigit() else p for p in where_in_model.split("."))
            line = _line_of(root, loc)
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where}: {_field_path(loc)}: {message}")
        raise ConfigError(path, problems) from error


def load_config(path: Path) -> AgoraConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(path, [f"{path}: cannot read: {error.strerror}"]) from error
    return parse_config(text, path)
