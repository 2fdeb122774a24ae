"""reslint.triggers: a Trigger's verdict is exactly `re.search`'s, only faster."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from reslint import registry
from reslint.triggers import SearchMemo, Trigger, required_literals

ROOT = Path(__file__).resolve().parent.parent


def _shipped_patterns():
    out = set()
    for rule in registry.all_rules():
        for spec in rule.triggers:
            out.update((spec,) if isinstance(spec, str) else spec)
    return sorted(out)


def _texts():
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "fixtures").rglob("*.py"))]
    rng = random.Random(7)
    out = list(texts)
    for text in texts[:200]:
        out.append(text.upper())
        out.append(text.swapcase())
        out.append(text.replace("s", "\u017f"))  # `ſ` matches `s` case-insensitively
        out.append(text.replace("k", "\u212a").replace("i", "\u0131"))
        out.append("\u00e9" + text.replace("e", "\u00c9"))  # other non-ASCII text still prefiltered
        words = text.split()
        rng.shuffle(words)
        out.append(" ".join(words[:50]))
    return out


@pytest.mark.parametrize("pattern", _shipped_patterns())
def test_shipped_triggers_agree_with_re(pattern):
    trigger, regex = Trigger(pattern), re.compile(pattern)
    for text in _texts():
        assert trigger.search(text) == (regex.search(text) is not None), (pattern, text[:200])


@pytest.mark.parametrize("pattern,literals", [
    (r"\basync\b|asyncio|httpx", {"async", "asyncio", "httpx"}),
    (r"(?i)retr(?:y|ies)|backoff", {"retry", "retries", "backoff"}),
    (r"(?i)post|patch", {"post", "patch"}),
    (r"except\s*:", {"except"}),
    (r"(?:abc)?xyz", {"xyz"}),
])
def test_required_literals(pattern, literals):
    found, _ = required_literals(pattern)
    assert found == literals


@pytest.mark.parametrize("pattern", [r"ab|c", r"(?:ab|cde)*q", r"a(?i:bcd)e", r"(?x) abc", r"[a-z]+", r"(?i)\u017fomething"])
def test_no_prefilter_when_it_cannot_be_sound_or_useful(pattern):
    assert required_literals(pattern)[0] is None


def test_case_folding_beyond_ascii_falls_back_to_the_regex():
    trigger = Trigger(r"(?i)stamina")
    for text in ("import \u017ftamina", "import st\u0131mina", "caf\u00e9 STAMINA", "caf\u00e9 stamen", "STAMINA", "stamen"):
        assert trigger.search(text) == (re.search(r"(?i)stamina", text) is not None), text
    assert Trigger(r"(?i)kilo").search("\u212ailo")


def test_memo_searches_once_per_text():
    calls = []

    class Counting(Trigger):
        __slots__ = ()

        def search(self, text):
            calls.append(text)
            return super().search(text)

    trigger = Counting("asyncio")
    memo = SearchMemo("import asyncio")
    assert memo.search(trigger) and memo.search(trigger)
    assert len(calls) == 1
