"""Arguments of a call: by keyword, by position, what `*args`/`**kwargs` may hide, and adding one."""

from __future__ import annotations

from typing import Optional

from ..lazycst import cst


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


def _arg_indent(call: cst.Call, args) -> Optional[cst.ParenthesizedWhitespace]:
    """The whitespace that starts an argument line of a multi-line call, if any."""
    if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) and isinstance(args[-2].comma.whitespace_after, cst.ParenthesizedWhitespace):
        return args[-2].comma.whitespace_after
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return call.whitespace_before_args
    return None


def _line_break(first_line: cst.TrailingWhitespace, like: cst.ParenthesizedWhitespace, empty_lines=()) -> cst.ParenthesizedWhitespace:
    """A break after ``first_line`` (its comment, if any) and ``empty_lines``, then the indentation of ``like``."""
    return cst.ParenthesizedWhitespace(first_line=first_line, empty_lines=tuple(empty_lines), indent=like.indent,
                                       last_line=like.last_line)


def append_keyword(call: cst.Call, keyword: str, value: str) -> cst.Call:
    """`call` with `keyword=value` added last, keeping a multi-line call's layout, comments and trailing comma."""
    new = cst.Arg(
        keyword=cst.Name(keyword),
        value=cst.parse_expression(value),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    indent = _arg_indent(call, args)
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        if isinstance(closing, cst.ParenthesizedWhitespace) and indent is not None:
            # `last,  # comment` NEWLINE `)`: the comment stays on last's line; the new argument
            # gets its own line and the trailing comma, before the closing bracket
            args[-1] = last.with_changes(comma=last.comma.with_changes(
                whitespace_after=_line_break(closing.first_line, indent, closing.empty_lines)))
            args.append(new.with_changes(comma=cst.Comma(whitespace_after=_line_break(cst.TrailingWhitespace(), closing))))
        else:
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new.with_changes(comma=last.comma))
        return call.with_changes(args=args)
    closing = last.whitespace_after_arg
    if isinstance(closing, cst.ParenthesizedWhitespace) and indent is not None:
        # `last` NEWLINE `)` with no trailing comma: keep that style
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=_line_break(closing.first_line, indent, closing.empty_lines)),
            whitespace_after_arg=cst.SimpleWhitespace(""),
        )
        args.append(new.with_changes(whitespace_after_arg=_line_break(cst.TrailingWhitespace(), closing)))
        return call.with_changes(args=args)
    args.append(new)
    return call.with_changes(args=args)
