"""Classification throughput per process against the bare sentence encoder, same run, same texts.

    python -m bench.classify_throughput [--messages 4096] [--batch 256]

The pipeline runs every dimension (rules, personal data, fact base, model heads) on micro-batches,
as the classify consumer does; the baseline is the encoder alone on the same batches.
"""

import argparse
import json
import time
from collections.abc import Callable, Sequence
from importlib import resources

from bench.harness import ratio, save
from services.classify.knowledge import agency_knowledge, load_models
from services.classify.pipeline import classify_texts
from shared.config import load_config
from shared.settings import DEFAULT_CONFIG


def _texts(count: int) -> list[str]:
    data = resources.files("shared.runner").joinpath("data/demo_interactions.jsonl").read_text()
    samples = [json.loads(line)["text"] for line in data.splitlines() if '"seq"' in line]
    return [f"{samples[i % len(samples)]} #{i}" for i in range(count)]


def _rate(run: Callable[[Sequence[str]], object], texts: list[str], batch: int) -> float:
    run(texts[:batch])  # warm up
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        run(texts[start : start + batch])
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    texts = _texts(args.messages)
    models = load_models()
    agency = agency_knowledge(load_config(DEFAULT_CONFIG), models)["lyon"]

    encoder = _rate(models.embed, texts, args.batch)
    pipeline = _rate(
        lambda chunk: classify_texts([(t, None) for t in chunk], models=models, agency=agency),
        texts,
        args.batch,
    )
    print(f"{'':<22}{'messages/s':>12}{'ratio':>8}")
    print(f"{'bare encoder':<22}{encoder:>12.0f}{'100%':>8}")
    print(f"{'classify pipeline':<22}{pipeline:>12.0f}{ratio(pipeline, encoder):>8}")
    path = save(
        "classify-throughput",
        {
            "messages": args.messages,
            "batch": args.batch,
            "encoder_per_s": encoder,
            "pipeline_per_s": pipeline,
        },
    )
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
