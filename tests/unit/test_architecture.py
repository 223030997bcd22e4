"""Architecture rules are enforced, not remembered."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    """Services never import each other, shared never imports a service, pure stays pure."""
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_no_module_uses_motor() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("shared", "services")
        for path in (ROOT / folder).rglob("*.py")
        if any(
            line.strip().startswith(("import motor", "from motor"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
