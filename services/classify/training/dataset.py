"""The project's training data: which shared rows are used, written rows, the held-out split."""

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from services.classify.training.mapping import Example, map_family_label, to_example
from services.classify.training.written import written_rows

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
TRAIN_FILE = "train.jsonl"
HELDOUT_FILE = "heldout.jsonl"
HELDOUT_SHARE = 0.2
# Source rows mapped to intent ``other`` are plentiful; keep few so written intents count.
_CAPS = {("intent_disaster", "other_related"): 300, ("intent_disaster", "unrelated"): 300}
_URL = re.compile(r"https?://\S+|www\.\S+|@\w+|\brt\b|\bvia\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def normalised_text(text: str) -> str:
    """Lower-case, no accents, URLs, mentions, retweet markers or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", _URL.sub(" ", plain)).strip()


def group_key(row: Mapping[str, Any]) -> str:
    """Rows sharing a key go to one side: same phrase (written) or same text start (retweets)."""
    if "group" in row:
        return f"written:{row['group']}"
    return "text:" + normalised_text(str(row["text"]))[:48]


def _digest(value: str) -> str:
    return hashlib.sha256(f"agora-split-v1|{value}".encode()).hexdigest()


def select_shared(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The shared rows the heads learn from: mapped families, capped where one label floods."""
    kept: list[dict[str, Any]] = []
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in sorted(rows, key=lambda r: _digest(f"{r['source']}#{r['rid']}")):
        key = (str(row["label_family"]), str(row["label"]))
        if map_family_label(*key) is None:
            continue
        counts[key] += 1
        if counts[key] <= _CAPS.get(key, 1_000_000):
            kept.append(dict(row))
    return kept


def _cell(row: Mapping[str, Any]) -> str:
    family = row.get("label_family") or "written"
    label = row.get("label") or row.get("intent") or row.get("topic") or ""
    return f"{family}|{row.get('lang')}|{label}"


def split_heldout(
    rows: Sequence[Mapping[str, Any]], share: float = HELDOUT_SHARE
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, held-out): grouped, and stratified per family x language x label.

    Cells are filled smallest first, each taking whole groups in hash order until it holds
    ``share`` of its rows, so a tiny cell still gets a held-out row and no group is split.
    """
    groups: dict[str, list[int]] = defaultdict(list)
    cells: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        groups[group_key(row)].append(index)
        cells[_cell(row)].append(index)
    held: set[str] = set()
    for _, members in sorted(cells.items(), key=lambda item: (len(item[1]), item[0])):
        target = round(share * len(members))
        have = sum(group_key(rows[i]) in held for i in members)
        for key in sorted({group_key(rows[i]) for i in members}, key=_digest):
            if have >= target:
                break
            if key not in held:
                held.add(key)
                have += sum(_cell(rows[i]) == _cell(rows[members[0]]) for i in groups[key])
    train = [dict(r) for r in rows if group_key(r) not in held]
    heldout = [dict(r) for r in rows if group_key(r) in held]
    return train, heldout


def prepare_data(shared_file: Path, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Copy the used shared rows and the written rows into ``data_dir``, split; returns counts."""
    rows = select_shared(read_jsonl(shared_file)) + written_rows()
    train, heldout = split_heldout(rows)
    write_jsonl(data_dir / TRAIN_FILE, train)
    write_jsonl(data_dir / HELDOUT_FILE, heldout)
    return {"train": len(train), "heldout": len(heldout)}


def load_examples(path: Path) -> list[Example]:
    """Examples with at least one Agora label from a JSONL file in either format."""
    examples = (to_example(row, index) for index, row in enumerate(read_jsonl(path)))
    return [example for example in examples if example is not None]
