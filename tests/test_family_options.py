"""[rules.PREFIX] tables: an option set once for every rule of a family that has it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reslint import registry
from reslint.config import ConfigError, from_table


def _table(rules):
    return from_table({"rules": rules}, root=Path("/proj"), where="test")


def _rules_with(option, prefix=""):
    field = option.replace("-", "_")
    return [r for r in registry.all_rules()
            if r.code.startswith(prefix) and field in {f.name for f in dataclasses.fields(r.Options)}]


def test_a_family_option_is_set_once_for_every_rule_that_has_it():
    owners = _rules_with("extra-retry-decorators", "RES2")
    assert len(owners) >= 2, "the retries family shares extra-retry-decorators"
    settings = _table({"RES2": {"extra-retry-decorators": ["pkg.retry:max_tries"]}})
    for rule in owners:
        assert settings.options_for(rule.code).extra_retry_decorators == ("pkg.retry:max_tries",)


def test_a_rule_table_wins_over_its_family_table():
    first, *others = _rules_with("extra-retry-decorators", "RES2")
    settings = _table({
        first.code: {"extra-retry-decorators": ["own.retry"]},
        "RES2": {"extra-retry-decorators": ["family.retry"]},
    })
    assert settings.options_for(first.code).extra_retry_decorators == ("own.retry",)
    for rule in others:
        assert settings.options_for(rule.code).extra_retry_decorators == ("family.retry",)


def test_a_family_table_leaves_rules_without_the_option_alone():
    settings = _table({"RES2": {"extra-retry-decorators": ["x.retry"]}})
    for rule in registry.all_rules():
        if rule.code.startswith("RES2") and rule not in _rules_with("extra-retry-decorators"):
            assert settings.options_for(rule.code) == rule.Options()


@pytest.mark.parametrize("rules,message", [
    ({"RES2": {"no-such-option": 1}}, "test: [rules.RES2]: no rule of RES2 has an option `no-such-option`"),
    ({"RES2": {"extra-retry-decorators": 3}}, "test: [rules.RES2]: `extra-retry-decorators` must be a list, got number 3"),
    ({"RES2": "x"}, "test: [rules.RES2] must be a table of options"),
    ({"RESX": {}}, "test: unknown rule `RESX` in [rules]"),
])
def test_family_table_errors(rules, message):
    with pytest.raises(ConfigError) as info:
        _table(rules)
    assert str(info.value).startswith(message)
