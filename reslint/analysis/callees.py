"""Following calls within one module: which function of the module a call runs, and what its
arguments bind.

Only what the file itself shows is followed: a module-level function called by its name (when
no import rebinds it), and a method of the enclosing class called through `self.` or `cls.`.
Results that need a pass over the whole module are kept per file with ``ctx.memo``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

from ..lazycst import cst

from .blocks import find_all
from .calls import positional_args
from .scopes import innermost_class

Definition = Tuple["cst.FunctionDef", Tuple["cst.CSTNode", ...]]


def definitions(ctx) -> Dict[str, List[Definition]]:
    """Function and method name (`helper`, `Client.send`) -> [(def, its scope stack)], for the
    module's top-level functions and the methods of its top-level classes."""
    return ctx.memo(definitions, lambda: _definitions(ctx.module))


def _definitions(module: cst.Module) -> Dict[str, List[Definition]]:
    found: Dict[str, List[Definition]] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef):
            found.setdefault(stmt.name.value, []).append((stmt, (module, stmt)))
        elif isinstance(stmt, cst.ClassDef) and isinstance(stmt.body, cst.IndentedBlock):
            for inner in stmt.body.body:
                if isinstance(inner, cst.FunctionDef):
                    found.setdefault(f"{stmt.name.value}.{inner.name.value}", []).append(
                        (inner, (module, stmt, stmt.body, inner)))
    return found


def is_method(ctx, func: cst.FunctionDef) -> bool:
    """``func`` is one of the methods :func:`definitions` knows."""
    return any(f is func for key, found in definitions(ctx).items() if "." in key for f, _ in found)


def local_callee(ctx, call: cst.Call, scope: Sequence[cst.CSTNode]) -> Optional[Definition]:
    """The function of this module a call runs: `helper(...)`, `self.helper(...)`, `cls.helper(...)`,
    seen from ``scope`` (the call's ancestor stack). None when it cannot be told for sure."""
    defs = definitions(ctx)
    func = call.func
    if isinstance(func, cst.Name):
        if ctx.imports.resolve_dotted(func.value) is not None:
            return None
        found = defs.get(func.value)
        return found[0] if found and len(found) == 1 else None
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        cls = innermost_class(scope)
        if cls is None:
            return None
        found = defs.get(f"{cls.name.value}.{func.attr.value}")
        return found[0] if found else None
    return None


def positional_params(func: cst.FunctionDef) -> List[cst.Param]:
    """The parameters an argument can fill by position (positional-only first)."""
    return [*func.params.posonly_params, *func.params.params]


def bind_arguments(func: cst.FunctionDef, call: cst.Call, method_call: bool) -> Dict[str, cst.BaseExpression]:
    """Parameter name -> the argument expression ``call`` passes for it (by position or keyword;
    `*args` and `**kwargs` are not unpacked). For a method call, `self`/`cls` is skipped."""
    params = positional_params(func)
    if method_call and params and params[0].name.value in ("self", "cls"):
        params = params[1:]
    bound: Dict[str, cst.BaseExpression] = {}
    for param, arg in zip(params, positional_args(call)):
        bound[param.name.value] = arg.value
    names = {p.name.value for p in (*params, *func.params.kwonly_params)}
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            bound[arg.keyword.value] = arg.value
    return bound


def all_calls(ctx) -> List[cst.Call]:
    """Every call in the module, nested functions and classes included."""
    return ctx.memo(all_calls, lambda: _all_calls(ctx.module))


def _all_calls(module: cst.Module) -> List[cst.Call]:
    return find_all(module, cst.Call)  # in no particular order
