"""The registry refuses a malformed rule when it loads, with an error that names the rule.

Every rule here is a stub defined in this file, with a code in the test-only
range RES990-RES999; ``reslint.rules`` is not touched.
"""

from __future__ import annotations

import pytest

from reslint import registry
from reslint.registry import RegistryError, validate_rule, validate_rules
from reslint.rule import Rule


def stub(code="RES990", name="stub-rule", *, triggers=(r"x",), **methods):
    """A Rule subclass with the given metadata and methods (``visit_Name=...``)."""
    body = {"code": code, "name": name, "family": "test", "triggers": triggers, "__module__": __name__}
    body.update(methods)
    return type("StubRule", (Rule,), body)


def _noop(self, node):
    pass


def _error(rule) -> str:
    with pytest.raises(RegistryError) as info:
        validate_rule(rule)
    return str(info.value)


def test_a_well_formed_stub_is_accepted():
    validate_rule(stub(visit_Call=_noop, leave_Call=_noop, visit_ExceptHandler=_noop))
    # the engine-run shape (RES000, RES900): neither visit methods nor triggers
    validate_rule(stub(triggers=()))


def test_misspelt_visitor_names_rule_method_and_closest_class():
    message = _error(stub(visit_Cal=_noop))
    assert message == (
        f"rule RES990 ({__name__}.StubRule): `visit_Cal` names no libcst node class: "
        "there is no `libcst.Cal` (did you mean `visit_Call`?)"
    )
    assert "(did you mean `leave_Name`?)" in _error(stub(leave_Nmae=_noop))


def test_visitor_of_something_that_is_not_a_node():
    message = _error(stub(visit_MetadataWrapper=_noop))
    assert "`visit_MetadataWrapper` names no libcst node class: `libcst.MetadataWrapper` is not a node class" in message


def test_visitor_of_an_abstract_class_is_refused():
    """The walker dispatches on a node's exact class: `visit_BaseSuite` would never be called."""
    message = _error(stub(visit_BaseSuite=_noop))
    assert "`visit_BaseSuite` names `libcst.BaseSuite`, an abstract class" in message
    assert "`visit_IndentedBlock`, `visit_SimpleStatementSuite`" in message


def test_attribute_visitors_are_refused():
    message = _error(stub(visit_Call_func=_noop))
    assert "attribute visitors" in message and "use `visit_Call`" in message


def test_inherited_visitors_are_checked():
    base = type("Base", (Rule,), {"visit_Atribute": _noop, "__module__": __name__})
    rule = type("Derived", (base,), {"code": "RES991", "name": "derived", "triggers": ("x",), "__module__": __name__})
    assert "rule RES991 (tests.test_registry.Derived): `visit_Atribute`" in _error(rule)


def test_visitors_without_triggers_would_never_run():
    message = _error(stub(triggers=(), visit_Call=_noop))
    assert message.startswith(f"rule RES990 ({__name__}.StubRule) has visit/leave methods but no `triggers`: "
                              "it would never run")


def test_triggers_without_visitors_would_never_report():
    assert "declares `triggers` but no visit_<Node>/leave_<Node> methods: it would never report" in _error(stub())


@pytest.mark.parametrize("code", ["RES99", "RES0999", "res990", "XYZ990", "", None])
def test_bad_code(code):
    assert "bad rule code" in _error(stub(code=code, triggers=()))


@pytest.mark.parametrize("name", ["Bare-Except", "bare_except", "bare except", "-bare", "bare--except", ""])
def test_name_must_be_kebab_case(name):
    assert "a name is kebab-case" in _error(stub(name=name, triggers=()))


def test_not_a_rule():
    with pytest.raises(RegistryError, match="is not a subclass of reslint.rule.Rule"):
        validate_rule(int)


def test_codes_and_names_are_unique():
    a = stub("RES990", "first", triggers=())
    with pytest.raises(RegistryError, match="rule code RES990 is defined twice"):
        validate_rules([a, stub("RES990", "second", triggers=())], shipped=False)
    with pytest.raises(RegistryError, match="rule name first is used by RES990 and RES991"):
        validate_rules([a, stub("RES991", "first", triggers=())], shipped=False)


def test_reserved_codes_are_refused_for_shipped_rules():
    rule = stub("RES995", triggers=())
    with pytest.raises(RegistryError) as info:
        validate_rules([rule])
    assert str(info.value) == (
        f"rule RES995 ({__name__}.StubRule): codes RES990-RES999 are reserved for tests and sentinels; "
        "give the rule another code"
    )
    assert validate_rules([rule], shipped=False) == (rule,)
    # the range ends exactly where it says
    assert validate_rules([stub("RES989", triggers=())])
    assert [c for c in (f"RES{n:03d}" for n in range(1000)) if registry.is_reserved(c)] == [
        f"RES{n}" for n in range(990, 1000)
    ]


def test_validate_rules_sorts_by_code():
    b, a = stub("RES992", "b", triggers=()), stub("RES991", "a", triggers=())
    assert validate_rules([b, a], shipped=False) == (a, b)


def test_shipped_rules_load_and_none_is_reserved():
    rules = registry.all_rules()
    assert rules
    assert not [r.code for r in rules if registry.is_reserved(r.code)]
    assert validate_rules(rules) == rules
    for rule in rules:  # every visit/leave method names a concrete libcst node class
        registry.check_visitors(rule)


@pytest.fixture
def fresh_registry():
    """all_rules() recomputed in this test, and again afterwards (it is cached)."""
    registry.all_rules.cache_clear()
    yield
    registry.all_rules.cache_clear()


def test_loading_validates_every_rule(monkeypatch, fresh_registry):
    # a misspelt visitor is refused before the rule's first walk (checking it imports libcst,
    # which loading the rules must not: see reslint.lazycst)
    misspelt = stub("RES123", visit_Cal=_noop)
    monkeypatch.setattr(registry, "_discover", lambda: [misspelt])
    assert registry.all_rules() == (misspelt,)
    with pytest.raises(RegistryError, match="`visit_Cal` names no libcst node class"):
        registry.check_visitors(misspelt)
    from reslint.walker import build_dispatch

    with pytest.raises(RegistryError, match="`visit_Cal` names no libcst node class"):
        build_dispatch([misspelt(None, None)])
    registry.all_rules.cache_clear()
    monkeypatch.setattr(registry, "_discover", lambda: [stub(triggers=())])
    with pytest.raises(RegistryError, match="reserved for tests"):
        registry.all_rules()


def test_two_rules_cannot_claim_one_code_of_another_linter():
    from reslint.rule import Rule

    class First(Rule):
        code, name, triggers = "RES995", "first-stub", ()
        other_tools_codes = ("X100",)

    class Second(Rule):
        code, name, triggers = "RES996", "second-stub", ()
        other_tools_codes = ("x100",)

    with pytest.raises(registry.RegistryError, match="X100 is claimed by RES995 and RES996"):
        registry.validate_rules([First, Second], shipped=False)


def test_shipped_other_tools_codes_map_to_their_rules():
    pairs = dict(registry.other_tools_codes())
    for rule in registry.all_rules():
        for other in rule.other_tools_codes:
            assert pairs[other.upper()] == rule.code
