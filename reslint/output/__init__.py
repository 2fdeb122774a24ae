"""Report writers. Each takes a Report and returns (or prints) one format.

The text writer prints to a rich Console (colour only on a terminal); the
others return a string so they can go to stdout or to a file, and several
can be written from one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..model import FileResult, Finding

# every report format, for `--output-format` and the `output-format` key
FORMATS = ("text", "json", "github", "sarif")


@dataclass
class Report:
    results: Sequence[FileResult]
    files_checked: int
    unsafe_fixes: bool = False
    fixing: bool = False
    notices: List[str] = field(default_factory=list)
    # paths named on the command line that could not be checked (missing, unreadable)
    problems: int = 0
    # the baseline (reslint.baseline): its path as shown, the findings it left out, its entries
    # that matched no finding ((path, code, fingerprint), count, message), whether this run wrote it
    baseline: Optional[str] = None
    baselined: int = 0
    stale: List[Tuple[Tuple[str, str, str], int, str]] = field(default_factory=list)
    baseline_written: bool = False
    baseline_files: int = 0  # files with a recorded finding, when this run wrote it
    verbose: bool = False
    # --add-noqa: (suppressions written, files changed)
    suppressions_added: Optional[Tuple[int, int]] = None

    def findings(self) -> List[Tuple[FileResult, Finding]]:
        out = []
        for result in sorted(self.results, key=lambda r: r.path):
            for finding in result.findings:
                out.append((result, finding))
        return out

    def active(self) -> List[Tuple[FileResult, Finding]]:
        return [(r, f) for r, f in self.findings() if not f.suppressed]

    def counts(self) -> Dict[str, int]:
        counts: Dict[str, int] = {}
        for _, finding in self.active():
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def fixed(self) -> int:
        return sum(r.fixes_applied for r in self.results)
