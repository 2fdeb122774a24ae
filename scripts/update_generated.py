"""Regenerate every generated file of the repository, in one run:

    python scripts/update_generated.py

1. README.md: the rules table between `<!-- rules-table:start -->` and `<!-- rules-table:end -->`,
   from the registry and the rules' docstrings (the text `reslint rules --format markdown` prints);
2. tests/snapshots/: the tests marked `generated` (the fixture rendering and fix snapshots, the
   SARIF document) run with `--snapshot-update`: they write every snapshot that changed, delete
   the stale ones, and list what they changed at the end.

A second run changes nothing. Read every change (`git diff`) before committing it. The exit
status is pytest's: not 0 when a test fails for another reason than a stale file (a rule that
does not parse, a fix that does not parse, ...); run the whole suite afterwards.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def update_readme() -> bool:
    """Rewrite the README rules table; True when it changed."""
    from reslint import docs, registry

    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    updated = docs.with_rules_table(readme, registry.all_rules())
    if updated == readme:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def main() -> int:
    print("README.md rules table:", "updated" if update_readme() else "up to date")
    command = [sys.executable, "-m", "pytest", "-m", "generated", "--snapshot-update", "-q", *sys.argv[1:]]
    print("$ python", " ".join(command[1:]), flush=True)
    return subprocess.call(command, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
