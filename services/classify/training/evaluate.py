"""Evaluation of the heads next to the keyword pipeline on the same labelled rows."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from services.classify.models.heads import Head, load_heads
from services.classify.pipeline import classify_text
from services.classify.training.dataset import load_examples
from services.classify.training.mapping import Example
from services.classify.training.metrics import ClassScore, class_scores, confusion, macro_f1
from services.classify.training.vocabularies import VOCABULARIES

Embed = Callable[[Sequence[str]], NDArray[np.float32]]
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    language: str  # "all" or an ISO 639-1 code
    rows: int
    model_f1: float
    baseline_f1: float


@dataclass
class EvalReport:
    scores: list[DimensionScore] = field(default_factory=list)
    classes: dict[str, list[ClassScore]] = field(default_factory=dict)
    baseline_classes: dict[str, list[ClassScore]] = field(default_factory=dict)
    confusions: dict[str, list[list[int]]] = field(default_factory=dict)

    def score(self, dimension: str, language: str = "all") -> DimensionScore | None:
        return next(
            (s for s in self.scores if s.dimension == dimension and s.language == language), None
        )


def baseline_labels(examples: Sequence[Example]) -> list[dict[str, str]]:
    """What the keyword pipeline says on each example, per dimension."""
    results = []
    for example in examples:
        verdicts = classify_text(example.text, language_hint=example.lang)
        results.append({dim: getattr(verdicts, dim).label for dim in VOCABULARIES})
    return results


def _pick(values: Sequence[str], keep: Sequence[int]) -> list[str]:
    return [values[j] for j in keep]


def evaluate_examples(
    examples: Sequence[Example], *, heads: dict[str, Head], embed: Embed
) -> EvalReport:
    vectors = embed([e.text for e in examples])
    baseline = baseline_labels(examples)
    report = EvalReport()
    for dimension, labels in VOCABULARIES.items():
        rows = [i for i, e in enumerate(examples) if dimension in e.labels]
        if not rows or dimension not in heads:
            continue
        truth = [examples[i].labels[dimension] for i in rows]
        model = [p[0] for p in heads[dimension].predict(vectors[rows])]
        rules = [baseline[i][dimension] for i in rows]
        report.classes[dimension] = class_scores(truth, model, labels)
        report.baseline_classes[dimension] = class_scores(truth, rules, labels)
        report.confusions[dimension] = confusion(truth, model, labels)
        langs = [examples[i].lang for i in rows]
        for language in ("all", *sorted(set(langs))):
            keep = [j for j, lang in enumerate(langs) if language in ("all", lang)]
            report.scores.append(
                DimensionScore(
                    dimension,
                    language,
                    len(keep),
                    macro_f1(_pick(truth, keep), _pick(model, keep), labels),
                    macro_f1(_pick(truth, keep), _pick(rules, keep), labels),
                )
            )
    return report


def evaluate(
    path: Path, *, heads_dir: Path | None = None, embed: Embed | None = None
) -> EvalReport:
    """Scores the committed heads (or ``heads_dir``) on a JSONL file of labelled rows."""
    from services.classify.models.encoder import load_encoder

    return evaluate_examples(
        load_examples(path),
        heads=load_heads(heads_dir),
        embed=embed or load_encoder().embed,
    )


def format_report(report: EvalReport, *, details: bool = True) -> str:
    """Readable tables: macro-F1 per dimension and language, then per-class figures."""
    lines = [
        f"{'dimension':<18} {'lang':<4} {'rows':>6} {'model F1':>9} {'keyword F1':>11} {'gain':>7}",
        "-" * 60,
    ]
    for s in report.scores:
        lines.append(
            f"{s.dimension:<18} {s.language:<4} {s.rows:>6} {s.model_f1:>9.3f} "
            f"{s.baseline_f1:>11.3f} {s.model_f1 - s.baseline_f1:>+7.3f}"
        )
    if not details:
        return "\n".join(lines)
    for dimension, scores in report.classes.items():
        labels = [c.label for c in scores]
        lines += ["", f"{dimension}: per class (model precision/recall; keyword precision/recall)"]
        for own, rule in zip(scores, report.baseline_classes[dimension], strict=True):
            if own.support or own.precision:
                lines.append(
                    f"  {own.label:<30} n={own.support:<5} P={own.precision:.2f} "
                    f"R={own.recall:.2f}   kw P={rule.precision:.2f} R={rule.recall:.2f}"
                )
        lines.append(f"  confusion (rows = truth, columns = model) over {', '.join(labels)}:")
        lines += [
            f"  {label[:14]:<14} " + " ".join(f"{n:>5}" for n in row)
            for label, row in zip(labels, report.confusions[dimension], strict=True)
            if any(row)
        ]
    return "\n".join(lines)
