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


# methods that read a dict and cannot add a key to it
_DICT_READS = frozenset({"get", "pop", "keys", "items", "values", "copy"})


def spread_dicts_lack(call: cst.Call, keyword: str, function: Optional[cst.CSTNode]) -> bool:
    """Every `**name` of ``call`` spreads a local dict of ``function`` that cannot hold
    ``keyword``: bound once, to a dict display with string keys (or `dict(k=v, ...)`), then only
    given other string keys (`opts["proxies"] = ...`), read (`opts["data"]`, `opts.get(...)`) or
    spread into calls. Any other use (passed to a call, `update`, a nested function that names
    it, a `*args` beside it) leaves it undecided: False."""
    if function is None or has_star_args(call):
        return False
    spread = [arg.value for arg in call.args if arg.star == "**"]
    if not spread or not all(isinstance(value, cst.Name) for value in spread):
        return False
    return all(_local_dict_lacks(function, value.value, keyword) for value in spread)


def _local_dict_lacks(function: cst.CSTNode, name: str, keyword: str) -> bool:
    from .blocks import find_all, walk

    accounted, bindings = set(), 0

    def literal_key(index) -> Optional[str]:
        if len(index.slice) != 1 or not isinstance(index.slice[0].slice, cst.Index):
            return None
        return string_value(index.slice[0].slice.value)

    for node in walk(function.body):
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            for target in targets:
                if isinstance(target, cst.Name) and target.value == name:
                    if not isinstance(node, cst.Assign) or not _dict_without(node.value, keyword):
                        return False
                    bindings += 1
                    accounted.add(id(target))
                elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) \
                        and target.value.value == name:
                    key = literal_key(target)
                    if key is None or key == keyword:
                        return False
                    accounted.add(id(target.value))
        elif isinstance(node, cst.Call):
            for arg in node.args:
                if isinstance(arg.value, cst.Name) and arg.value.value == name:
                    if arg.star != "**":
                        return False  # handed to a call that may add the key
                    accounted.add(id(arg.value))
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == name:
            if node.attr.value not in _DICT_READS:
                return False
            accounted.add(id(node.value))
        elif isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == name:
            accounted.add(id(node.value))  # a read (stores are taken above, first)
    if bindings != 1:
        return False
    return all(id(n) in accounted for n in find_all(function.body, cst.Name) if n.value == name)


def _dict_without(value: cst.BaseExpression, keyword: str) -> bool:
    """A dict display with string keys, or `dict(k=v, ...)`, none of them ``keyword``."""
    if isinstance(value, cst.Dict):
        keys = []
        for element in value.elements:
            if not isinstance(element, cst.DictElement):
                return False  # `**other`
            keys.append(string_value(element.key))
        return None not in keys and keyword not in keys
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict":
        return all(arg.keyword is not None and arg.star == "" and arg.keyword.value != keyword
                   for arg in value.args)
    return False
