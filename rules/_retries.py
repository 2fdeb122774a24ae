"""What the RES2 rules share: their triggers, the visit hooks that hand each retry to the rule,
message parts and fixes. What a retry is, is decided in reslint.analysis.retries."""

from __future__ import annotations

import re
from typing import Optional, Tuple

from reslint.lazycst import cst

from reslint.analysis.calls import append_keyword, keyword_arg
from reslint.analysis.retries import (
    Form,
    Retry,
    first_operation_display,
    has_retry_shaped_loop,
    parse_extra_decorators,
    retry_of,
)
from reslint.rule import Replace, Rule
from reslint.triggers import trigger

# a file can hold a retry only if it loops with a handler or names a retry library
LIBRARY_TRIGGER = r"(?i)retr(?:y|ies|ying)|backoff|stamina|\.ensure\("
RETRY_TRIGGERS = (
    (r"\b(?:while|for)\b", r"\bexcept\b"),
    (LIBRARY_TRIGGER,),
)
_LIBRARY = trigger(LIBRARY_TRIGGER)  # its literals are searched first (see reslint.triggers)


class RetryRule(Rule):
    """Base of the RES2 rules: calls :meth:`check` once per retry found in the file."""

    family = "retries"

    def extra_decorators(self):
        extra = getattr(self, "_extra_decorators", None)
        if extra is None:
            extra = parse_extra_decorators(getattr(self.options, "extra_retry_decorators", ()))
            self._extra_decorators = extra
        return extra

    @classmethod
    def option_triggers(cls, options):
        names = getattr(options, "extra_retry_decorators", ())
        return tuple((re.escape(spec.split(":")[0].rsplit(".", 1)[-1]),) for spec in names if spec)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        if _LIBRARY.search(text):
            return True
        extra = cls.option_triggers(options) if options is not None else ()
        if any(all(re.search(p, text) for p in group) for group in extra):
            return True
        return has_retry_shaped_loop(tree)

    def _found(self, node) -> None:
        retry = retry_of(self.ctx, node, self.extra_decorators())
        if retry is not None:
            self.check(retry)

    def visit_While(self, node: cst.While) -> None:
        self._found(node)

    def visit_For(self, node: cst.For) -> None:
        self._found(node)

    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._found(node)

    def visit_Call(self, node: cst.Call) -> None:
        self._found(node)

    def check(self, retry: Retry) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- message parts ------------------------------------------------------------
    def around(self, retry: Retry) -> str:
        """`retry loop around `session.post``, `tenacity `@retry(...)` on `charge``."""
        if retry.form == Form.LOOP:
            operation = first_operation_display(self.ctx, retry)
            return f"retry loop around `{operation}`" if operation else "retry loop"
        if retry.function is not None:
            return f"{retry.label} on `{retry.function.name.value}`"
        return retry.label


def keyword_fix(retry: Retry, keyword: str, value: str, title: str,
                imports: Tuple[Tuple[str, Optional[str]], ...] = ()) -> Optional[Replace]:
    """Set ``keyword=value`` on the retry's library call (a bare decorator becomes a call)."""
    if isinstance(retry.node, cst.Decorator):
        expr = retry.node.decorator
        call = cst.Call(func=expr, args=[cst.Arg(
            keyword=cst.Name(keyword), value=cst.parse_expression(value),
            equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
        )])
        return Replace(expr, call, title, add_imports=imports)
    call = retry.call
    if call is None:
        return None
    existing = keyword_arg(call, keyword)
    if existing is not None:
        return Replace(existing.value, cst.parse_expression(value), title, add_imports=imports)
    if any(arg.star for arg in call.args):
        return None  # `**kwargs` may already carry it
    return Replace(call, append_keyword(call, keyword, value), title, add_imports=imports)


def library_name(retry: Retry, name: str, module: str) -> Tuple[str, Tuple[Tuple[str, Optional[str]], ...]]:
    """How the fix spells a helper of the retry's library: `tenacity.stop_after_attempt` when the
    file uses the module, else the bare name plus an import of it."""
    if retry.library_module:
        return retry.library_module + name, ()
    return name, ((module, name),)
