"""``agora classify train`` and ``agora classify eval FILE``."""

import argparse
import sys
from pathlib import Path

from services.classify.models.heads import WEIGHTS_DIR
from services.classify.training.dataset import DATA_DIR, prepare_data
from services.classify.training.embedding import CachedEmbedder
from services.classify.training.evaluate import evaluate, format_report
from services.classify.training.train import train


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=WEIGHTS_DIR, help="where heads are written")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="train.jsonl + heldout.jsonl")
    parser.add_argument(
        "--from-shared",
        type=Path,
        default=None,
        metavar="TRAIN_JSONL",
        help="first rebuild --data from the shared train.jsonl and the written examples",
    )
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file (.npz)")


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="JSONL: text, lang and Agora labels")
    parser.add_argument("--heads", type=Path, default=None, help="heads directory to score")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache file (.npz)")
    parser.add_argument("--summary", action="store_true", help="macro-F1 table only")


def train_command(args: argparse.Namespace) -> int:
    if args.from_shared is not None:
        counts = prepare_data(args.from_shared, args.data)
        _say(f"data: {counts['train']} training rows, {counts['heldout']} held out")
    report = train(args.out, data_dir=args.data, embed=CachedEmbedder(args.cache).embed)
    _say(
        f"trained {len(report.rows)} heads in {report.seconds:.1f} s; "
        f"weights {report.weights_bytes / 1e6:.2f} MB in {args.out}"
    )
    _say("rows per head: " + ", ".join(f"{k} {v}" for k, v in report.rows.items()))
    _say("\nheld-out split:\n" + format_report(report.heldout, details=False))
    return 0


def eval_command(args: argparse.Namespace) -> int:
    report = evaluate(args.file, heads_dir=args.heads, embed=CachedEmbedder(args.cache).embed)
    if not report.scores:
        _say("no row carries a label this evaluation knows")
        return 1
    _say(format_report(report, details=not args.summary))
    return 0


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Adds ``classify train`` and ``classify eval`` to the ``agora`` command."""
    classify = commands.add_parser("classify", help="train and evaluate the classify models")
    sub = classify.add_subparsers(dest="classify_command", required=True)
    train_cmd = sub.add_parser("train", help="fit the heads and score them on the held-out split")
    add_train_arguments(train_cmd)
    train_cmd.set_defaults(run=train_command)
    eval_cmd = sub.add_parser("eval", help="macro-F1 per dimension next to the keyword baseline")
    add_eval_arguments(eval_cmd)
    eval_cmd.set_defaults(run=eval_command)
