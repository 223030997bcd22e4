"""``agora classify batch|train|eval``."""

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from services.classify.knowledge import agency_knowledge, load_models
from services.classify.pipeline import NO_AGENCY, classify_texts
from services.classify.training.cli import (
    add_eval_arguments,
    add_train_arguments,
    eval_command,
    train_command,
)
from shared.config import ConfigError, load_config
from shared.events import Classification

BATCH = 256
DIMENSIONS = Classification.dimensions()


def _lines(stream: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"line {number}: not JSON: {error.msg}") from error
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError(f"line {number}: text: a string is required")
        if "id" not in item:
            raise ValueError(f"line {number}: id: required")
        yield number, item


def batch_command(args: argparse.Namespace) -> int:
    """Read ``{"id", "text"}`` lines on stdin, write one classification per line on stdout."""
    try:
        config = load_config(args.config) if args.config else None
    except ConfigError as error:
        sys.stderr.write("\n".join(error.problems) + "\n")
        return 2
    models = load_models()
    knowledge = agency_knowledge(config, models) if config is not None else {}
    agency = knowledge.get(args.agency) if args.agency else next(iter(knowledge.values()), None)
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        results = classify_texts(
            [(item["text"], item.get("language")) for item in pending],
            models=models,
            agency=agency or NO_AGENCY,
        )
        for item, result in zip(pending, results, strict=True):
            data = result.model_dump(mode="json")
            line = {"id": item["id"], **{d: data[d] for d in DIMENSIONS}}
            line["personal_data"] = data["personal_data"]
            line["redacted_text"] = data["redacted_text"]
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        pending.clear()

    try:
        for _, item in _lines(sys.stdin):
            pending.append(item)
            if len(pending) >= BATCH:
                flush()
    except ValueError as error:
        flush()
        sys.stderr.write(f"agora classify batch: {error}\n")
        return 2
    flush()
    return 0


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    classify = commands.add_parser("classify", help="classify, train and evaluate")
    sub = classify.add_subparsers(dest="classify_command", required=True)
    batch = sub.add_parser("batch", help="classify JSON lines {id, text} from stdin to stdout")
    batch.add_argument("--config", type=Path, help="agora.yaml: agency rules and fact base")
    batch.add_argument("--agency", help="which agency's rules (default: the first)")
    batch.set_defaults(run=batch_command)
    train = sub.add_parser("train", help="fit the heads and score them on the held-out split")
    add_train_arguments(train)
    train.set_defaults(run=train_command)
    evaluate = sub.add_parser("eval", help="macro-F1 per dimension next to the keyword baseline")
    add_eval_arguments(evaluate)
    evaluate.set_defaults(run=eval_command)
