"""Arguments of a call: by keyword, by position, and what `*args`/`**kwargs` may hide."""

from __future__ import annotations

from typing import Optional

import libcst as cst


def keyword_arg(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional_args(call: cst.Call):
    return [arg for arg in call.args if arg.keyword is None and arg.star == ""]


def has_star_args(call: cst.Call) -> bool:
    return any(arg.star == "*" for arg in call.args)


def has_star_kwargs(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def find_arg(call: cst.Call, keyword: str, position: Optional[int] = None) -> Optional[cst.Arg]:
    """The argument that fills parameter ``keyword`` (or positional slot ``position``), if written."""
    found = keyword_arg(call, keyword)
    if found is not None:
        return found
    if position is not None:
        positional = positional_args(call)
        if len(positional) > position:
            return positional[position]
    return None


def may_pass(call: cst.Call, keyword: str, position: Optional[int] = None) -> bool:
    """The argument is written, or could be hidden in `**kwargs` (or `*args` where positional)."""
    if find_arg(call, keyword, position) is not None:
        return True
    if has_star_kwargs(call):
        return True
    return position is not None and has_star_args(call)


def is_none(expr: Optional[cst.BaseExpression]) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def string_value(expr: cst.BaseExpression) -> Optional[str]:
    """The value of a plain or implicitly concatenated string literal (no f-strings)."""
    if isinstance(expr, cst.SimpleString):
        try:
            value = expr.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    if isinstance(expr, cst.ConcatenatedString):
        left = string_value(expr.left)
        right = string_value(expr.right)
        return left + right if left is not None and right is not None else None
    return None
