"""Fix edits from the statement around the node equal the edits from the whole module.

The engine computes a fix's edits by generating only the innermost statement around the replaced
node, before and after (reslint.edits.statement_edits), where it once generated the whole module
for every fix and compared the whole texts: the cost of a file's fixes grew with their number
times the file's size. These tests hold the two ways to the same edits on every fixture, and the
fix time of a file with a thousand fixes to a bound.
"""

from __future__ import annotations

import random
import textwrap
import time

import pytest

from reslint import edits as edits_module, registry
from reslint.edits import EditSet, apply_edits, edits_between, overlaps, splice_edits
from reslint.engine import lint
from reslint.fixer import fix_text
from reslint.isolation import run_isolated
from reslint.model import Edit, Span

from .conftest import FIXTURES
from .helpers import settings_for

FIXABLE = {cls.code: cls.fix_safety for cls in registry.all_rules()}
CASES = sorted(p for p in FIXTURES.glob("RES*/**/*.py") if not p.name.endswith(".fixed.py"))


def _fix_edits(path, select, whole: bool, monkeypatch):
    text = path.read_text(encoding="utf-8")
    settings = settings_for(select, text, path.parent)
    ruleset = settings.ruleset_for(path.name)
    with monkeypatch.context() as patch:
        calls = []
        real = edits_module.statement_edits

        def spy(*args):
            found = None if whole else real(*args)
            calls.append(found is not None)
            return found

        patch.setattr(edits_module, "statement_edits", spy)
        result = run_isolated(lint, text, path.name, ruleset, want_edits=True, keep_suppressed=True)
    return text, [(f.code, f.span, f.fix.edits if f.fix else None) for f in result.findings], calls


def test_statement_edits_equal_whole_module_edits_on_every_fixture(monkeypatch):
    local_fixes = imports = 0
    for path in CASES:
        code = path.relative_to(FIXTURES).parts[0]
        if FIXABLE.get(code) is None:
            continue
        text, fast, calls = _fix_edits(path, code, False, monkeypatch)
        _, slow, _ = _fix_edits(path, code, True, monkeypatch)
        assert [f[:2] for f in fast] == [f[:2] for f in slow], path
        for (rule, span, new), (_, _, old) in zip(fast, slow):
            where = f"{path.relative_to(FIXTURES)} {rule} at {span.line}:{span.col}"
            if new == old:
                continue
            # the imports a fix adds are compared apart from the statement: the same text, though
            # the whole-text comparison may cut the two changes differently
            imports += 1
            assert new and old, where
            assert apply_edits(text, new) == apply_edits(text, old), where
        local_fixes += sum(calls)
    assert local_fixes > 250  # the statement way is the one taken, not the fallback
    assert imports < 20


def test_statement_edits_fall_back_where_the_statement_is_not_the_text(monkeypatch):
    """A file without a final newline: its last statement's code has one the text has not."""
    from reslint.config import from_table

    ruleset = from_table({"select": ["RES301"]}, root=FIXTURES, where="t").ruleset_for("a.py")
    for text in ("try:\n    go()\nexcept:\n    pass", "if x:\n    try: go()\n    except: pass",
                 "try:\r    go()\rexcept:\r    pass\r\r", "if a:\n    pass\nelif b:\n    try:\n        go()\n    except:\n"
                 "        pass\n"):
        outcome = fix_text(text, "a.py", ruleset, unsafe=True)
        assert outcome.text == text.replace("except:", "except Exception:"), repr(text)


def _random_text(rnd: random.Random, size: int) -> str:
    alphabet = ["a", "b", "\n", "\r\n", " ", "=", "x\n", "ab\n", "(", ")", "é"]
    return "".join(rnd.choice(alphabet) for _ in range(size))


def test_splice_edits_equal_edits_between():
    rnd = random.Random(18)
    for _ in range(3000):
        text = _random_text(rnd, rnd.randint(0, 40))
        offset = rnd.randint(0, len(text))
        length = rnd.randint(0, len(text) - offset)
        content = _random_text(rnd, rnd.randint(0, 8))
        if rnd.random() < 0.3:  # the old piece as a prefix of the new: the comparison runs on past it
            content = text[offset:offset + length] + content
        new = text[:offset] + content + text[offset + length:]
        assert splice_edits(text, offset, length, content) == edits_between(text, new)
    text = "x\n" * 5000  # an insertion that could sit anywhere in a long run of equal lines
    assert splice_edits(text, 100, 0, "x\nx\n") == edits_between(text, text[:100] + "x\nx\n" + text[100:])


def test_edit_set_agrees_with_pairwise_overlaps():
    rnd = random.Random(18)
    span = Span(1, 0, 1, 0)
    for _ in range(3000):
        taken, chosen = EditSet(), []
        for _ in range(rnd.randint(1, 12)):
            fix, pos = [], rnd.randint(0, 5)
            for _ in range(rnd.randint(1, 3)):  # one fix's edits are disjoint
                start = pos + rnd.randint(0, 4)
                end = start + rnd.choice([0, 0, 1, 2, 3])
                fix.append(Edit(start, end, "", span))
                pos = end + rnd.randint(0, 3) + (end == start)
            expected = any(overlaps(fix, other) for other in chosen)
            assert taken.overlaps(fix) == expected, (chosen, fix)
            if not expected:
                taken.add(fix)
                chosen.append(fix)


@pytest.mark.parametrize("select, block, fixed", [
    ("RES301", "try:\n    f{i}()\nexcept:\n    pass\n", "try:\n    f{i}()\nexcept Exception:\n    pass\n"),
    ("RES101", "def g{i}(u):\n    return requests.get(u)\n", "def g{i}(u):\n    return requests.get(u, timeout=10)\n"),
])
def test_a_thousand_fixes_in_one_file_take_linear_time(select, block, fixed):
    """Issue 18: 1,000 fixes in one file took 67 cpu-s (each fix generated the whole module)."""
    from reslint.config import from_table

    head = "import requests\n\n" if select == "RES101" else ""
    text = head + "".join(block.format(i=i) for i in range(1000))
    ruleset = from_table({"select": [select]}, root=FIXTURES, where="t").ruleset_for("big.py")
    started = time.process_time()
    outcome = fix_text(text, "big.py", ruleset, unsafe=True)
    spent = time.process_time() - started
    assert outcome.text == head + "".join(fixed.format(i=i) for i in range(1000))
    assert outcome.applied == 1000
    assert spent < 6, f"{spent:.1f} cpu-s"  # about 1 s on one core; the bound leaves room for a slow CI


def test_fixes_with_an_import_settle_in_two_passes(monkeypatch):
    """Every fix adds the same import: one pass takes one of them (they all change the import line),
    the next the rest, whose import is there by then."""
    from reslint.config import from_table

    block = textwrap.dedent("""\
        @cache
        def f{i}(key):
            return key
    """)
    text = "from functools import cache\n\n" + "".join(block.format(i=i) for i in range(20))
    ruleset = from_table({"select": ["RES401"]}, root=FIXTURES, where="t").ruleset_for("a.py")
    outcome = fix_text(text, "a.py", ruleset, unsafe=True)
    assert outcome.applied == 20
    assert outcome.text == "from functools import lru_cache, cache\n\n" + "".join(
        block.format(i=i).replace("@cache", "@lru_cache(maxsize=1024)") for i in range(20))
    assert not outcome.notices
    monkeypatch.setattr(edits_module, "statement_edits", lambda *args: None)  # the whole-module way
    assert fix_text(text, "a.py", ruleset, unsafe=True).text == outcome.text


@pytest.mark.parametrize("text", [
    "x = 1\ny = 2\n",
    '"""Doc."""\nx = 1\ny = 2\n',
    '"""Doc."""\n\nimport os\nfrom functools import cache\n\n\n# a comment\ndef f():\n    pass\n\nz = 3\n',
    "#!/usr/bin/env python\n# header comment\n\nfrom __future__ import annotations\nimport os\nx = 1\ny = 2\n",
    "__strict__ = True\nimport os\nclass A:\n    pass\nx = 1\n",
    "import os\nimport sys\n",
    "import os\nx = 1",  # no final newline
    "import os\rx = 1\ry = 2\r\r",  # CR only
    "from functools import cache as c, wraps\n\n@c\ndef f():\n    pass\nx = 1\n",
])
@pytest.mark.parametrize("imports", [
    (("random", None),), (("functools", "lru_cache"),), (("os", None),), (("tenacity", "wait_random_exponential"),),
    (("functools", "lru_cache"), ("random", None)),
])
def test_import_edits_from_the_top_of_the_module_equal_the_whole_module_way(text, imports):
    import libcst as cst

    module = cst.parse_module(text)
    whole = edits_between(text, edits_module._keep_final_cr(text, edits_module._with_imports(module, imports).code))
    assert edits_module.import_edits(text, module, imports) == whole
