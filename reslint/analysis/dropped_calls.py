"""RES501's stdlib-`ast` prefilter: may the file drop a coroutine function's call?

It over-approximates :class:`reslint.analysis.async_calls.Coroutines` on the cheap tree, so that
a file with no such call skips the libcst parse. A call counts when its result is dropped, bound
to a name or only tested (what ``dropped`` and ``truth_tested`` look for) and its callee may be a
coroutine function:

- `f()`: `f` is an `async def` of the file, an import of a name an `async def` of the project has
  (``project.coroutine_member_names()``), or resolves to a known coroutine function;
- `x.m()`: `m` is an async protocol method or a method of an async type the file may hold; or `m`
  is an `async def`'s name and `x` is where the resolver can follow a class on which `m` may be
  one: `super()`, an import or a class of the file, the `self` of a method, an annotated parameter,
  a local or a module-level name bound to a call of a class; through an attribute
  (`self.store.m()`) or a call (`self.store().m()`, `get_store().m()`), one the project
  (``project.async_attribute_methods()``) or the file declares with such a class.

What "may be" means for a class: ``project.owner_async_methods()`` holds `Class.m` for the
project's classes (and `store.m`, `get_store.m`, `module.m` for module-level instances, functions
that declare what they return, and modules); a class the file defines may have any of the file's `async def`s; a parameter
or an annotation the filter does not read stands for any class (`*`).
"""

from __future__ import annotations

import ast
import bisect
import builtins
from typing import Dict, FrozenSet, List, Optional, Set

from .coroutines import (ASYNC_DUNDERS, CALLBACK_FUNCTIONS, CALLBACK_METHOD_NAMES, KNOWN_COROUTINE_FUNCTIONS,
                         KNOWN_COROUTINE_METHODS)
from .reach import declared_class, nodes, reach_of, statements

ANY = "*"
_BUILTINS = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# receivers written as a literal: of no type or name the resolver follows
_LITERALS = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.ListComp, ast.SetComp,
             ast.DictComp, ast.GeneratorExp)


def may_drop_coroutine(tree: ast.AST, text: str, project=None, extra=()) -> bool:
    """See the module docstring; ``extra``: qualified names of more coroutine functions."""
    return _Filter(tree, text, project, extra).run()


class _Filter:
    def __init__(self, tree, text, project, extra):
        reach = reach_of(tree)
        self.tree = tree
        self.own = frozenset(node.name for node in reach.async_defs)
        members = set(self.own) | {name.rsplit(".", 1)[-1] for name in extra}
        self.anywhere = set(ASYNC_DUNDERS)  # methods the resolver needs no receiver for
        for typ in {typ for typ, _ in KNOWN_COROUTINE_METHODS}:
            if reach.typed(text, (typ,)):
                self.anywhere |= {method for owner, method in KNOWN_COROUTINE_METHODS if owner == typ}
        self.reach = reach
        self.known_names = KNOWN_COROUTINE_FUNCTIONS | frozenset(extra)
        self.known = reach.resolver(self.known_names)
        self.imported: Dict[str, Set[str]] = {}
        for table in (reach.absolute, reach.relative):
            for local, targets in table.items():
                self.imported.setdefault(local, set()).update(t.rsplit(".", 1)[-1] for t in targets)
        self.own_classes = frozenset(reach.own_classes)
        self.module_roots = frozenset(self.imported) | self.own_classes
        self.attribute_pairs: FrozenSet[str] = frozenset()
        self.class_pairs: FrozenSet[str] = frozenset()
        if project is not None:
            members |= project.coroutine_member_names()
            self.attribute_pairs = project.async_attribute_methods()
            self.class_pairs = project.owner_async_methods()
        self.members = frozenset(members)
        self.methods = {id(item) for node in statements(tree) if isinstance(node, ast.ClassDef)
                        for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self._names: Dict[int, Dict[str, Set[str]]] = {}
        self._attributes: Optional[Dict[str, Set[str]]] = None
        self._module_names: Optional[Dict[str, Set[str]]] = None
        self._bound: Optional[FrozenSet[str]] = None
        self._module_bound: Optional[FrozenSet[str]] = None
        self._imported_members: Optional[Set[str]] = None

    # -- what a class may be --------------------------------------------------------------------
    def class_keys(self, func: ast.AST) -> Set[str]:
        """The names of the classes a call of ``func`` may construct (none: not a class the
        resolver follows)."""
        if isinstance(func, ast.Name):
            if func.id in self.imported:
                return set(self.imported[func.id])
            return {func.id} if func.id in self.own_classes else set()
        if isinstance(func, ast.Attribute):
            head = func.value
            while isinstance(head, ast.Attribute):
                head = head.value
            if isinstance(head, ast.Name) and head.id in self.imported:
                return {func.attr}
        return set()

    def annotation_keys(self, annotation: Optional[ast.AST]) -> Set[str]:
        """The classes an annotation may declare, read as the resolver reads it (``declared_class``
        reads every form the resolver does, and more): none when it declares no class the
        resolver can read (`list[str]`, `A | B`), any (`*`) for a name it may follow further
        (a type variable's bound, an alias)."""
        dotted = declared_class(annotation)
        if dotted is None:
            return set()
        head, _, rest = dotted.partition(".")
        if head in self.imported:
            keys = {rest.rsplit(".", 1)[-1]} if rest else set(self.imported[head])
        else:
            keys = {head} if not rest and head in self.own_classes else set()
        if not keys and head in _BUILTINS and head not in self.module_bound():
            return set()  # `list[Store]`, `dict`: a builtin class, never the project's
        return keys or {ANY}

    def module_bound(self) -> FrozenSet[str]:
        """The names the module's own top-level statements bind."""
        if self._module_bound is None:
            found = set()
            for node in getattr(self.tree, "body", ()):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found.add(node.name)
                elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                        found.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.update((a.asname or a.name).split(".")[0] for a in node.names)
                else:  # a block (`try: import ... except ImportError: ...`): every name it may bind
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Name) and not isinstance(inner.ctx, ast.Load):
                            found.add(inner.id)
                        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                            found.add(inner.name)
                        elif isinstance(inner, ast.alias):
                            found.add((inner.asname or inner.name).split(".")[0])
            self._module_bound = frozenset(found)
        return self._module_bound

    def may_have(self, keys: Set[str], method: str) -> bool:
        return ANY in keys or any(f"{key}.{method}" in self.class_pairs or f"{key}.{ANY}" in self.class_pairs
                                  or (key in self.own_classes and method in self.own) for key in keys)

    def bind(self, out: Dict[str, Set[str]], node: ast.AST) -> None:
        """What a statement tells of the class of the names it binds: `x = Class(...)`, `x: T`."""
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            keys = self.class_keys(node.value.func)
            if keys:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        out.setdefault(target.id, set()).update(keys)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.setdefault(node.target.id, set()).update(self.annotation_keys(node.annotation))

    def names(self, func: ast.AST) -> Dict[str, Set[str]]:
        """The names of a function whose class the resolver may know (``instance_of``), with it."""
        found = self._names.get(id(func))
        if found is not None:
            return found
        out: Dict[str, Set[str]] = {}
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        if positional and id(func) in self.methods:
            out[positional[0].arg] = {ANY}  # `self`: the class and its bases
        for arg in (*positional, *args.kwonlyargs):
            if arg.annotation is not None:
                out.setdefault(arg.arg, set()).update(self.annotation_keys(arg.annotation))
        if not isinstance(func, ast.Lambda):
            for node in ast.walk(func):
                self.bind(out, node)
        self._names[id(func)] = out
        return out

    def attributes(self) -> Dict[str, Set[str]]:
        """The attributes the file's classes may declare a class for (as the project index's
        `attributes`), with it: annotated ones, ones assigned a call of a class or an annotated
        parameter, properties and methods with a return annotation."""
        if self._attributes is None:
            out: Dict[str, Set[str]] = {}

            def assigned(stmt, params: Dict[str, ast.AST]) -> None:
                value = stmt.value
                if isinstance(value, ast.Name):
                    keys = self.annotation_keys(params[value.id]) if value.id in params else set()
                else:
                    keys = self.class_keys(value.func) if isinstance(value, ast.Call) else set()
                if keys:
                    for target in stmt.targets:
                        for sub in ast.walk(target):
                            if isinstance(sub, ast.Attribute):
                                out.setdefault(sub.attr, set()).update(keys)

            for node in statements(self.tree):
                kind = type(node)
                if kind is ast.AnnAssign:
                    target = node.target
                    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                    out.setdefault(name, set()).update(self.annotation_keys(node.annotation))
                elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
                    if kind is ast.FunctionDef and node.returns is not None:
                        # a property, or a method whose call gives what it declares (`self.store().m()`)
                        out.setdefault(node.name, set()).update(self.annotation_keys(node.returns))
                    args = node.args
                    params = {a.arg: a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
                              if a.annotation is not None}
                    for stmt in statements(node):
                        if type(stmt) is ast.Assign:
                            assigned(stmt, params)
                elif kind is ast.Assign and isinstance(node.value, ast.Call):
                    assigned(node, {})  # also at class and module level: a call of a class
            self._attributes = out
        return self._attributes

    # -- the callee -----------------------------------------------------------------------------
    def coroutine(self, call: ast.Call, scope) -> bool:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in self.own or self.known(func):
                return True
            return any(name in self.members for name in self.imported.get(func.id, ()))
        if not isinstance(func, ast.Attribute):
            return False
        method = func.attr
        if method in ASYNC_DUNDERS:
            return True
        if isinstance(func.value, _LITERALS):
            return False  # `"".join()`: no type the resolver knows, no name
        if self.known(func) or (method in self.anywhere and self.typable(func.value)):
            return True
        if method not in self.members:
            return False
        return self.receiver_may_have(func.value, method, scope)

    def receiver_may_have(self, expr: ast.AST, method: str, scope) -> bool:
        """Whether the resolver may find ``method`` a coroutine function on what ``expr`` is."""
        if isinstance(expr, ast.Name):
            # a module, a class, an instance or a function's return by import; a class of the
            # file; or a local, a parameter or a module-level name that may shadow either
            return self.may_have(self.imported.get(expr.id, set()) | (
                {expr.id} if expr.id in self.own_classes else set()), method) \
                or any(self.may_have(self.names(f).get(expr.id, set()), method) for f in scope) \
                or self.may_have(self.module_names().get(expr.id, set()), method)
        if isinstance(expr, ast.Attribute):  # `self.store.m()`: the attribute's declared class
            return self.attribute_may_have(expr.attr, method) and self.followable(expr.value, scope)
        if isinstance(expr, ast.Call):  # what a function or method declares it returns
            func = expr.func
            if isinstance(func, ast.Name):
                if func.id == "super":
                    return True
                # a class made, or what an imported or module-level function declares it returns
                return self.may_have(self.imported.get(func.id, set()) | self.module_names().get(func.id + "()", set()) | (
                    {func.id} if func.id in self.own_classes else set()), method)
            if isinstance(func, ast.Attribute):
                return self.attribute_may_have(func.attr, method) and self.followable(func.value, scope)
        return False

    def typable(self, expr: ast.AST) -> bool:
        """Whether the resolver's binding analysis may give ``expr`` a type (what methods of
        known types, `session.get()`, are judged by): a call, a name, an `or` of two, or an
        attribute of a name (`self.session`) that the file binds somewhere; not a deeper
        attribute chain or a subscript."""
        kind = type(expr)
        if kind is ast.Call or kind is ast.Name or kind is ast.BoolOp:
            return True
        if kind is ast.Attribute and type(expr.value) is ast.Name:
            if self._bound is None:
                bound = set()
                for node in nodes(self.tree):
                    node_kind = type(node)
                    if node_kind is ast.Attribute and type(node.ctx) is ast.Store:
                        bound.add(node.attr)
                    elif node_kind is ast.Name and type(node.ctx) is ast.Store:
                        bound.add(node.id)
                    elif node_kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                        bound.add(node.name)
                self._bound = frozenset(bound)
            return expr.attr in self._bound
        return False

    def attribute_may_have(self, name: str, method: str) -> bool:
        """`x.name.method()`: an attribute declared with a class that may have the method, or a
        dotted path the resolver follows by qualified name (`pkg.client.fetch()`,
        `pkg.models.Store.save()`, `pkg.state.store.save()`)."""
        return f"{name}.{method}" in self.attribute_pairs or f"{name}.{ANY}" in self.attribute_pairs \
            or self.may_have({name}, method) or self.may_have(self.attributes().get(name, set()), method)

    def followable(self, expr: ast.AST, scope) -> bool:
        """Whether the resolver may know the class of ``expr`` at all (the root of a chain)."""
        while isinstance(expr, ast.Attribute):
            expr = expr.value
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Name):
                return func.id == "super" or func.id in self.imported or func.id + "()" in self.module_names()
            return isinstance(func, ast.Attribute) and self.followable(func.value, scope)
        return isinstance(expr, ast.Name) and (
            expr.id in self.module_roots or expr.id in self.module_names() or any(expr.id in self.names(f) for f in scope))

    def module_names(self) -> Dict[str, Set[str]]:
        """The module's names bound to an instance of a class (`store = Store()`, `store: Store`),
        and `function()` for what a module-level function declares it returns."""
        if self._module_names is None:
            out: Dict[str, Set[str]] = {}
            for node in getattr(self.tree, "body", ()):
                self.bind(out, node)
                if isinstance(node, ast.FunctionDef) and node.returns is not None:
                    out.setdefault(node.name + "()", set()).update(self.annotation_keys(node.returns))
            self._module_names = out
        return self._module_names

    def tested(self, expr: ast.AST, scope) -> bool:
        if isinstance(expr, ast.Call):
            return self.coroutine(expr, scope)
        if isinstance(expr, ast.BoolOp):
            return any(self.tested(value, scope) for value in expr.values)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            return self.tested(expr.operand, scope)
        if isinstance(expr, ast.Compare):
            return any(isinstance(side, ast.Call) and self.coroutine(side, scope)
                       for side in (expr.left, *expr.comparators))
        return False

    def plausible_lines(self) -> List[int]:
        """A cheap first look at the file's calls: the lines of those whose name may be a
        coroutine function's (whatever their position)."""
        return sorted({call.lineno for call in self.reach.all_calls() if self.may_name(call.func)})

    def imported_members(self) -> Set[str]:
        """The local names imports bind to a name a coroutine function has."""
        if self._imported_members is None:
            self._imported_members = {local for local, names in self.imported.items()
                                      if not names.isdisjoint(self.members)}
        return self._imported_members

    def may_name(self, func: ast.AST) -> bool:
        """Whether ``func`` may name a coroutine function."""
        kind = type(func)
        if kind is ast.Attribute:
            if func.attr in ASYNC_DUNDERS:
                return True
            if isinstance(func.value, _LITERALS):
                return False
            return func.attr in self.members or self.known(func) or \
                (func.attr in self.anywhere and self.typable(func.value))
        if kind is ast.Name:
            return func.id in self.own or func.id in self.imported_members() or self.known(func)
        return False

    def hands_on(self) -> bool:
        """A callable that may be a coroutine function (or a `lambda` that calls one) handed to
        something that calls it and drops what it returns (see ``async_calls.callback_of``): a
        method of ``CALLBACK_METHOD_NAMES`` on any receiver, or a callee that may resolve to one
        of ``CALLBACK_FUNCTIONS``; any of its arguments, through `partial(...)` calls."""
        takes = self.reach.resolver(CALLBACK_FUNCTIONS)
        for call in self.reach.all_calls():
            func = call.func
            if not ((type(func) is ast.Attribute and func.attr in CALLBACK_METHOD_NAMES) or takes(func)):
                continue
            for value in (*call.args, *(k.value for k in call.keywords)):
                while isinstance(value, ast.Call) and value.args:
                    value = value.args[0]  # `partial(f, ...)` (or any call: more than needed)
                if isinstance(value, ast.Starred):
                    value = value.value
                if isinstance(value, ast.Lambda):
                    value = value.body.func if isinstance(value.body, ast.Call) else None
                if value is not None and self.may_name(value):
                    return True
        return False

    def run(self) -> bool:
        if self.hands_on():
            return True
        lines = self.plausible_lines()
        if not lines:
            return False

        def holds(node) -> bool:
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
            return bisect.bisect_left(lines, first) < bisect.bisect_right(lines, node.end_lineno or node.lineno)

        # only the statements that hold such a call are walked (a class is looked into)
        roots = []
        pending = list(getattr(self.tree, "body", ()))
        while pending:
            stmt = pending.pop()
            if not holds(stmt):
                continue
            if type(stmt) is ast.ClassDef:
                pending.extend(stmt.body)
                roots.extend(stmt.decorator_list)
                roots.extend(stmt.bases)
            else:
                roots.append(stmt)
        node_type = ast.AST
        stack = [(root, ()) for root in roots]
        while stack:
            node, scope = stack.pop()
            kind = type(node)
            if kind in _FUNCTIONS:
                scope = (*scope, node)  # the functions around, innermost last
            elif kind is ast.Expr:
                if self.tested(node.value, scope):
                    return True
            elif kind is ast.Assign:
                if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                        and isinstance(node.value, ast.Call) and self.coroutine(node.value, scope):
                    return True
            elif kind in (ast.If, ast.While, ast.IfExp, ast.Assert):
                if self.tested(node.test, scope):
                    return True
            elif kind is ast.comprehension:
                if any(self.tested(test, scope) for test in node.ifs):
                    return True
            elif kind in (ast.BoolOp, ast.UnaryOp, ast.Compare):
                if self.tested(node, scope):
                    return True
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, node_type):
                    stack.append((value, scope))
                elif isinstance(value, list):
                    stack.extend((item, scope) for item in value if isinstance(item, node_type))
        return False
