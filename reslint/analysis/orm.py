"""ORM lookups, inserts and saves: what RES603 needs to know about Django and SQLAlchemy.

A *lookup* is a query that answers "is the row there?": a Django manager or queryset chain
(`Model.objects.filter(...).exists()`, `.get(...)`, `.first()`, a related manager
`self.lines.filter(...)`) or a SQLAlchemy query (`session.query(Model)...first()`,
`session.get(Model, id)`), possibly returned by a helper method of the same class. An *insert*
is `Model.objects.create(...)`, `manager.create(...)`, `.save()` of an instance built with
`Model(...)`, or `session.add(...)` of one. Each has a *model key*, the model expression as
written (`Page`, `cls`, `self.role_model`, `self.lines`), so that a lookup and an insert of the
same model can be matched without knowing the models.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .names import dotted_name
from .programs import is_command_line_program, is_migration
from .races import ast_name, kwarg, outer_functions, walk_ordered
from .reach import statements, subtree as ast_subtree

MANAGERS = ("objects", "_default_manager", "_base_manager")
# queryset methods that only Django has (a list or dict has none of them)
DJANGO_ONLY = frozenset({
    "filter", "exclude", "exists", "select_related", "prefetch_related", "values_list", "only", "defer",
    "using", "select_for_update", "annotate", "order_by", "filter_by", "all", "none", "distinct",
})
# queryset methods a chain may hold
QUERYSET = DJANGO_ONLY | frozenset({"get", "first", "last", "count", "values", "exists", "all", "filter_active"})
# lookups that return one row or None / raise when missing
FETCH_ONE = frozenset({"get", "first", "last", "one_or_none", "scalar", "scalar_one_or_none", "one", "earliest", "latest"})
SQLA_ENDS = frozenset({"first", "one_or_none", "scalar", "scalar_one_or_none", "one", "count", "all"})
# manager methods that write rather than look up
WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "update", "delete",
                    "bulk_update", "add", "remove", "set", "clear", "save"})
# inserts that absorb a concurrent insert of the same row
SAFE_INSERTS = frozenset({"get_or_create", "update_or_create", "bulk_create"})
# SQLAlchemy methods a lookup starts with: `session.query(M)`, `session.scalar(select(M)...)`
SQLA_STATEMENTS = frozenset({"query", "scalar", "scalars", "execute"})
# the exceptions a lookup raises when the row is missing (`ObjectDoesNotExist` ends the same way)
MISSING_ROW = ("DoesNotExist", "NoResultFound")


@dataclass(frozen=True)
class Lookup:
    key: str           # model expression as written
    shown: str         # `Page.objects.filter(...).exists()`
    locking: bool      # select_for_update / with_for_update in the chain
    fields: Tuple[str, ...] = ()  # keyword lookups of the chain (`id`, `email__iexact`)

    def by_primary_key(self) -> bool:
        """Looked up by `id` / `pk` alone: a create that names no key makes another row."""
        return bool(self.fields) and all(f.split("__")[0] in ("id", "pk") for f in self.fields)


@dataclass(frozen=True)
class Insert:
    call: cst.Call
    key: Optional[str]  # None: a `.save()` of an object whose model is not known
    shown: str


def unwind(expr: cst.BaseExpression) -> Tuple[cst.BaseExpression, List[Tuple[str, cst.Call]]]:
    """`a.b.filter(x).first()` -> (`a.b`, [("filter", call), ("first", call)])."""
    methods: List[Tuple[str, cst.Call]] = []
    while isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        methods.append((expr.func.attr.value, expr))
        expr = expr.func.value
    methods.reverse()
    return expr, methods


def _selected_model(expr: cst.BaseExpression) -> Optional[str]:
    """`select(Model).where(...)...` -> `Model` (SQLAlchemy 2.0 statements)."""
    base, methods = unwind(expr)
    call = expr
    while isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
        call = call.func.value
    if isinstance(call, cst.Call) and (dotted_name(call.func) or "").rsplit(".", 1)[-1] == "select" \
            and len(call.args) == 1 and not call.args[0].star:
        return dotted_name(call.args[0].value)
    return None


def _kw_only(call: cst.Call) -> bool:
    return bool(call.args) and all(a.keyword is not None or a.star == "**" for a in call.args)


def _manager_key(base: cst.BaseExpression) -> Optional[str]:
    name = dotted_name(base)
    if name is None:
        return None
    head, _, last = name.rpartition(".")
    if last in MANAGERS and head:
        return head
    return None


def lookup(expr: cst.BaseExpression, helpers: Optional[Dict[str, cst.BaseExpression]] = None) -> Optional[Lookup]:
    """The lookup an expression makes, or None."""
    return _lookup(expr, helpers)


def _lookup(expr: cst.BaseExpression, helpers: Optional[Dict[str, cst.BaseExpression]] = None) -> Optional[Lookup]:
    base, methods = unwind(expr)
    names = [m for m, _ in methods]
    if not methods:
        return None
    if names[0] == "query" and methods[0][1].args:
        # SQLAlchemy: session.query(Model)...
        model = dotted_name(methods[0][1].args[0].value)
        if model and names[-1] in SQLA_ENDS | {"filter", "filter_by", "exists"}:
            return Lookup(model, _shown(expr), "with_for_update" in names)
        return None
    if names[0] in ("scalar", "scalars", "execute") and methods[0][1].args:
        # SQLAlchemy 2.0: session.scalar(select(Model).where(...)), session.execute(select(Model)
        # ...).scalar_one_or_none(), session.scalars(select(Model)...).first()
        selected = _selected_model(methods[0][1].args[0].value)
        if selected and (len(names) == 1 or names[-1] in SQLA_ENDS | {"first", "scalar_one_or_none", "one_or_none"}):
            return Lookup(selected, _shown(expr), "with_for_update" in names or
                          "with_for_update" in (_shown(methods[0][1].args[0].value, 1000)))
        return None
    if names[0] == "get" and len(methods) == 1 and len(methods[0][1].args) >= 2 \
            and "session" in (dotted_name(base) or "").lower():
        # SQLAlchemy: session.get(Model, id)
        model = dotted_name(methods[0][1].args[0].value)
        return Lookup(model, _shown(expr), False) if model else None
    if helpers is not None and isinstance(base, cst.Name) and base.value == "self" and len(methods) == 1 \
            and names[0] in helpers:
        # a helper of the same class that returns a lookup
        inner = lookup(helpers[names[0]])
        if inner is not None:
            return Lookup(inner.key, _shown(expr), inner.locking)
        return None
    if names[-1] in WRITES:
        return None
    key = _manager_key(base)
    locking = "select_for_update" in names or _lock_keyword(methods)
    fields = tuple(a.keyword.value for _, call in methods for a in call.args if a.keyword is not None)
    if key is not None:
        if all(n in QUERYSET or n.startswith(("filter", "get_")) for n in names[:-1]) or len(names) == 1:
            return Lookup(key, _shown(expr), locking, fields)
        return None
    if not all(n in QUERYSET for n in names):
        # `cls.base_queryset().first()`: a model's own queryset factory
        if isinstance(base, cst.Name) and base.value == "cls" and len(names) >= 2 and names[-1] in FETCH_ONE \
                and "queryset" in names[0].lower():
            return Lookup("cls", _shown(expr), locking)
        return None
    # a related manager or queryset held in an attribute: needs a Django-only method, or a
    # `get` with lookups by keyword (dict.get takes none)
    if any(n in DJANGO_ONLY for n in names) or (names[0] == "get" and _kw_only(methods[0][1])):
        key = dotted_name(base)
        if key and key.startswith("self."):
            return Lookup(key, _shown(expr), locking, fields)
    return None


def _lock_keyword(methods: List[Tuple[str, cst.Call]]) -> bool:
    """A project lookup asked to lock what it reads: `get_current(for_update=True)`, `lock=True`."""
    for _, call in methods:
        for arg in call.args:
            if arg.keyword is not None and ("for_update" in arg.keyword.value or arg.keyword.value in ("lock", "locked")) \
                    and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None")):
                return True
    return False


def locks_before(func: cst.FunctionDef, node: cst.CSTNode) -> bool:
    """The function takes a row lock (`select_for_update()`, `with_for_update()`) before ``node``:
    it runs in a transaction, and concurrent requests on that row wait for each other there, so the
    check and the act that follow are serialised (an order's payments checked once the order row is
    locked)."""
    for inner, _ in walk_ordered(func.body):
        if inner is node:
            return False
        if isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute) and \
                inner.func.attr.value in ("select_for_update", "with_for_update"):
            return True
    return False


def makes_another_row(found: Lookup, made: "Insert") -> bool:
    """A lookup by primary key, then a `create(...)` that passes no `id`/`pk`: the new row is not
    the one looked up (a reply to an unknown ticket opens a new ticket)."""
    if not found.by_primary_key() or not isinstance(made.call.func, cst.Attribute) \
            or made.call.func.attr.value != "create":
        return False
    return not any(a.keyword is not None and a.keyword.value in ("id", "pk") or a.star for a in made.call.args)


def runs_once(ctx) -> bool:
    """A Django migration module (its data functions run once, from one `migrate` command) or a
    command-line program (a management command, a script): one process, no concurrent request."""
    def compute() -> bool:
        return is_command_line_program(ctx) or is_migration(ctx)
    return ctx.memo(runs_once, compute)


def _shown(node: cst.CSTNode, limit: int = 60) -> str:
    code = " ".join(cst.Module([]).code_for_node(node).split()).replace("( ", "(").replace(" )", ")")
    code = code.replace(",)", ")")
    if len(code) > limit:
        code = code[: limit - 3] + "..."
    return code


def constructed_model(expr: cst.BaseExpression) -> Optional[str]:
    """`Page(...)` / `self.role_model()` / `cls(...)`: the model a constructor call builds."""
    if not isinstance(expr, cst.Call):
        return None
    name = dotted_name(expr.func)
    if name is None:
        return None
    last = name.rsplit(".", 1)[-1]
    if last == "cls" or last[:1].isupper() or last.endswith("_model"):
        return name
    return None


def insert(call: cst.Call, bound: Dict[str, str], querysets: Dict[str, Lookup]) -> Optional[Insert]:
    """The insert a call makes (`bound`: locals built with a model constructor -> model key;
    `querysets`: locals bound to a lookup)."""
    if not isinstance(call.func, cst.Attribute):
        return None
    method = call.func.attr.value
    receiver = call.func.value
    if method == "create":
        key = _manager_key(receiver)
        if key is None and isinstance(receiver, cst.Call):
            base, methods = unwind(receiver)
            if methods and all(m in QUERYSET for m, _ in methods):
                key = _manager_key(base)
        if key is None:
            name = dotted_name(receiver)
            if name in querysets:
                key = querysets[name].key
            elif name and name.startswith("self.") and name in {q.key for q in querysets.values()}:
                key = name
        if key is not None:
            return Insert(call, key, _shown(call))
        return None
    if method == "save":
        if isinstance(receiver, cst.Call):
            model = constructed_model(receiver)
            return Insert(call, model, _shown(call)) if model else None
        name = dotted_name(receiver)
        if name is None or name in ("super",):
            return None
        return Insert(call, bound.get(name), _shown(call))
    if method == "add" and len(call.args) == 1 and "session" in (dotted_name(receiver) or "").lower():
        value = call.args[0].value
        model = constructed_model(value)
        if model is None:
            name = dotted_name(value)
            model = bound.get(name) if name else None
        if model is not None:
            return Insert(call, model, _shown(call))
    return None


def handles_integrity_error(ctx, ancestors: Sequence[cst.CSTNode], inner: cst.CSTNode) -> bool:
    """An ancestor `try` around ``inner`` has an `except IntegrityError` (a unique constraint
    does the work and the loser is handled)."""
    chain = list(ancestors) + [inner]
    for index, node in enumerate(chain[:-1]):
        if isinstance(node, cst.Try) and chain[index + 1] is node.body:
            for handler in node.handlers:
                if handler.type is not None and any(
                        (dotted_name(t) or "").endswith("IntegrityError")
                        for t in _types(handler.type)):
                    return True
    return False


def _types(expr: cst.BaseExpression):
    if isinstance(expr, cst.Tuple):
        for element in expr.elements:
            yield element.value
    else:
        yield expr


def catches_does_not_exist(handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return False
    for t in _types(handler.type):
        name = dotted_name(t) or ""
        if name.endswith(MISSING_ROW):
            return True
    return False


def no_f_expression(expr: cst.BaseExpression) -> bool:
    for node, _ in walk_ordered(expr):
        if isinstance(node, cst.Call):
            name = dotted_name(node.func) or ""
            if name == "F" or name.endswith(".F"):
                return False
    return True


def uses_ignore_conflicts(call: cst.Call) -> bool:
    arg = kwarg(call, "ignore_conflicts")
    return arg is not None


@dataclass
class FunctionOrm:
    """What one function binds: instances built with a model constructor, lookups, fetched rows,
    and the order of its nodes."""

    built: Dict[str, str]        # local -> model key of `local = Model(...)`
    querysets: Dict[str, Lookup]  # local -> the lookup it holds (a queryset, a row or None)
    fetched: Dict[str, Lookup]   # local -> the lookup that fetched the row it holds
    order: Dict[int, int]        # id(node) -> position in source order
    saves: Dict[str, List[int]]  # local -> positions of `local.save(...)`


def class_helpers(ctx, cls: Optional[cst.ClassDef]) -> Dict[str, cst.BaseExpression]:
    """Methods of a class whose body returns one expression (`return self.session.query(...)`)."""
    if cls is None:
        return {}

    def compute() -> Dict[str, cst.BaseExpression]:
        out: Dict[str, cst.BaseExpression] = {}
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                continue
            returns = [n for n, _ in walk_ordered(stmt.body) if isinstance(n, cst.Return) and n.value is not None]
            if len(returns) == 1:
                out[stmt.name.value] = returns[0].value
        return out

    return ctx.memo((class_helpers, id(cls)), compute)


def function_orm(ctx, func: cst.FunctionDef, cls: Optional[cst.ClassDef]) -> FunctionOrm:
    def compute() -> FunctionOrm:
        helpers = class_helpers(ctx, cls)
        built: Dict[str, str] = {}
        querysets: Dict[str, Lookup] = {}
        fetched: Dict[str, Lookup] = {}
        order: Dict[int, int] = {}
        saves: Dict[str, List[int]] = {}
        # names bound to a looked-up row after a constructor bound them: what is saved later may be
        # the existing row (`obj = M(...)` in one branch, `obj = M.objects.get(...)` in the other,
        # then `if obj: obj.save()`), so its save() is not known to insert
        refetched: Set[str] = set()
        for index, (node, _) in enumerate(walk_ordered(func.body)):
            order[id(node)] = index
            if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
                name = node.targets[0].target.value
                value = node.value
                model = constructed_model(value)
                if model is not None:
                    built[name] = model
                    continue
                found = lookup(value, helpers)
                if found is not None:
                    if name in built:
                        refetched.add(name)
                    querysets[name] = found
                    _, methods = unwind(value)
                    if methods and methods[-1][0] in FETCH_ONE:
                        fetched[name] = found
                    continue
                if isinstance(value, cst.Subscript):
                    inner = dotted_name(value.value)
                    source = querysets.get(inner) if inner else lookup(value.value, helpers)
                    if source is not None:
                        fetched[name] = source
            elif isinstance(node, cst.For) and isinstance(node.target, cst.Name):
                inner = dotted_name(node.iter)
                source = querysets.get(inner) if inner else lookup(node.iter, helpers)
                if source is not None:
                    fetched[node.target.value] = source
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "save":
                name = dotted_name(node.func.value)
                if name:
                    saves.setdefault(name, []).append(index)
        return FunctionOrm({n: m for n, m in built.items() if n not in refetched}, querysets, fetched, order, saves)

    return ctx.memo((function_orm, id(func)), compute)


def test_lookup(test: cst.BaseExpression, facts: FunctionOrm, helpers: Dict[str, cst.BaseExpression]) -> Optional[Lookup]:
    """The lookup an `if` condition asks about: a chain in the condition, or a local holding one."""
    for node, _ in walk_ordered(test):
        if isinstance(node, cst.Call):
            found = lookup(node, helpers)
            if found is not None:
                return found
        elif isinstance(node, cst.Name) and node.value in facts.querysets:
            return facts.querysets[node.value]
    return None


def _arithmetic_on(value: cst.BaseExpression, field: str) -> bool:
    """`row.f + n`, `n - row.f`, `max(row.f, n)`: a new value computed from the field itself (a
    rename built from a slice of it, or a lookup that reads it, is not a counter)."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, (cst.Add, cst.Subtract, cst.Multiply)):
        return any(dotted_name(side) == field for side in (value.left, value.right)) \
            or any(_arithmetic_on(side, field) for side in (value.left, value.right) if isinstance(side, cst.BinaryOperation))
    if isinstance(value, cst.Call) and dotted_name(value.func) in ("max", "min"):
        return any(dotted_name(a.value) == field for a in value.args)
    return False


def lost_update(target: cst.BaseExpression, value: cst.BaseExpression, augmented,
                facts: FunctionOrm, position: int) -> Optional[Tuple[str, str, Lookup]]:
    """`row.field += n` / `row.field = row.field + n` on a row fetched without a lock and saved
    afterwards without `F()`: (row, field, lookup)."""
    if not isinstance(target, cst.Attribute) or not isinstance(target.value, cst.Name):
        return None
    row = target.value.value
    source = facts.fetched.get(row)
    if source is None or source.locking:
        return None
    field = target.attr.value
    if not no_f_expression(value):
        return None
    if not augmented and not _arithmetic_on(value, f"{row}.{field}"):
        return None
    if not any(p > position for p in facts.saves.get(row, ())):
        return None
    return row, field, source


def function_inserts(ctx, func: cst.FunctionDef) -> bool:
    """The function calls something named `create`, `save` or `add` (else nothing to judge)."""
    def compute() -> bool:
        for node, _ in walk_ordered(func.body):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and node.func.attr.value in ("create", "save", "add"):
                return True
        return False
    return ctx.memo((function_inserts, id(func)), compute)


# -- a cheap first look, on the stdlib tree: may a file hold a RES603 finding at all? ------------
# (sound over-approximations of lookup(), insert() and the rule's three shapes)


def _lookup_word(attr: str) -> bool:
    """An attribute name that puts a method chain on the way to a lookup (see :func:`lookup`): a
    manager, a Django-only queryset method, a SQLAlchemy query or statement, a queryset factory."""
    return attr in MANAGERS or attr in DJANGO_ONLY or attr in SQLA_STATEMENTS or "queryset" in attr.lower()


def _ast_chain_lookupish(call, helpers) -> bool:
    import ast

    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in WRITES and not (
            isinstance(func.value, ast.Name) and func.value.id == "self" and func.attr in helpers):
        return False  # `Model.objects.create(...)`: lookup() takes no chain that ends in a write
    current = call
    while True:
        if isinstance(current, ast.Call):
            func = current.func
            if isinstance(func, ast.Attribute):
                attr = func.attr
                if _lookup_word(attr):
                    return True
                if attr == "get" and current.keywords and not current.args:
                    return True  # a keyword lookup
                if attr == "get" and len(current.args) >= 2 and "session" in ast.dump(func.value).lower():
                    return True  # session.get(Model, id)
                if isinstance(func.value, ast.Name) and func.value.id == "self" and attr in helpers:
                    return True
                current = func.value
                continue
            return False
        if isinstance(current, ast.Attribute):
            if current.attr in MANAGERS:
                return True
            current = current.value
            continue
        return False


def _ast_lookupish(expr, helpers=frozenset()) -> bool:
    """Whether an expression holds a call that may be an ORM lookup (a sound over-approximation of
    :func:`reslint.analysis.orm.lookup`): a chain through a manager, a Django-only queryset
    method, a keyword `get`, a SQLAlchemy query or statement, or a helper of the class that makes
    one."""
    import ast

    return any(isinstance(node, ast.Call) and _ast_chain_lookupish(node, helpers) for node in ast.walk(expr))


def _ast_helpers(tree, called: Set[str]) -> FrozenSet[str]:
    """Which of ``called`` (names of `self.<name>()` calls) name a function of the file that
    returns a lookup: the helpers those calls stand for. Answers are kept on the tree."""
    import ast

    index = getattr(tree, "_reslint_functions", None)
    if index is None:
        index = {}
        for func in statements(tree):  # defs are statements: no expression need be visited
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                index.setdefault(func.name, []).append(func)
        answers: Dict[str, bool] = {}
        try:
            tree._reslint_functions, tree._reslint_helpers = index, answers
        except AttributeError:  # pragma: no cover - a tree that takes no attributes
            pass
    else:
        answers = tree._reslint_helpers
    out = set()
    for name in called:
        known = answers.get(name)
        if known is None:
            known = any(isinstance(node, ast.Return) and node.value is not None and _ast_lookupish(node.value)
                        for func in index.get(name, ()) for node in ast_subtree(func))
            answers[name] = known
        if known:
            out.add(name)
    return frozenset(out)


# `.create` / `.save` / `.add`, also across a line break or a backslash: where an insert may be written
_INSERT_WORD = re.compile(r"\.[\s\\]*(?:create|save|add)\b")


def ast_orm_candidate(tree, text: Optional[str] = None) -> bool:
    """A function that inserts (`create` / `save` / `add`) and, in the same function, tests a
    lookup (an `if` on a lookup or on a local holding one), catches `DoesNotExist` /
    `NoResultFound`, or changes a row's attribute by arithmetic next to a lookup: the three shapes
    RES603 judges, each within one function. Given the file's ``text``, only the functions whose
    lines hold one of those attribute names after a dot are walked."""
    import ast

    functions = outer_functions(tree)
    if text is not None:
        lines, line, at = [], 1, 0
        for match in _INSERT_WORD.finditer(text):
            line += text.count("\n", at, match.start())
            at = match.start()
            lines.append(line)
        if not lines:
            return False
        functions = [f for f in functions
                     if bisect.bisect_left(lines, f.lineno) < bisect.bisect_right(lines, f.end_lineno or f.lineno)]
    for func in functions:
        # an outer function with its nested ones: if an inner function has the shape, so does
        # the outer one's subtree, so one walk per outer function is enough
        nodes = ast_subtree(func)
        inserts = lookups = catches_missing = False
        self_called: Set[str] = set()
        for node in nodes:
            if isinstance(node, ast.Attribute):
                attr = node.attr
                if attr in ("create", "save"):
                    inserts = True
                elif attr == "get" or _lookup_word(attr):
                    lookups = True
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "add" and len(node.args) + len(node.keywords) == 1 \
                        and _ast_session(node.func.value):
                    inserts = True  # only `<...session...>.add(x)` is an insert (see insert())
                if isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
                    self_called.add(node.func.attr)
            elif isinstance(node, ast.ExceptHandler) and node.type is not None and any(
                    (ast_name(n) or "").endswith(MISSING_ROW) for n in ast.walk(node.type)):
                catches_missing = True
        if inserts and catches_missing:
            return True  # a `DoesNotExist` / `NoResultFound` handler in a function that inserts
        if not inserts or not (lookups or self_called):
            continue  # nothing inserts, or nothing could be a lookup (not even a helper)
        known = _ast_helpers(tree, self_called) if self_called else frozenset()
        if not lookups and not known:
            continue
        held = set()
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and \
                    _ast_lookupish(node.value, known):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                held.update(t.id for t in targets if isinstance(t, ast.Name))
        rows = set(held)

        def queryset(expr) -> bool:
            return _ast_lookupish(expr, known) or (isinstance(expr, ast.Name) and expr.id in held)

        for node in nodes:
            if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name) and queryset(node.iter):
                rows.add(node.target.id)  # a row of a queryset, for the lost-update shape
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and isinstance(node.value, ast.Subscript) and queryset(node.value.value):
                rows.add(node.targets[0].id)  # `row = queryset[0]`
        for node in nodes:
            if isinstance(node, ast.If):
                if _ast_lookupish(node.test, known) or \
                        any(isinstance(n, ast.Name) and n.id in held for n in ast.walk(node.test)):
                    return True
            elif isinstance(node, ast.AugAssign) and _ast_row_field(node.target, rows):
                return True  # `row.n += 1` on a fetched row
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, (ast.BinOp, ast.Call)):
                field = _ast_row_field(node.targets[0], rows)
                if field is not None and any(
                        isinstance(n, ast.Attribute) and ast.unparse(n) == field for n in ast.walk(node.value)):
                    return True  # `row.n = row.n + 1`: a new value computed from the field itself
    return False


def _ast_session(receiver) -> bool:
    """A receiver written as a chain of names one of which says "session" (what :func:`insert`
    asks of an `add`'s receiver)."""
    import ast

    while isinstance(receiver, ast.Attribute):
        if "session" in receiver.attr.lower():
            return True
        receiver = receiver.value
    return isinstance(receiver, ast.Name) and "session" in receiver.id.lower()


def _ast_row_field(target, rows: Set[str]) -> Optional[str]:
    """`row.field` (as written) when ``target`` is an attribute of one of ``rows``, else None."""
    import ast

    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in rows:
        return f"{target.value.id}.{target.attr}"
    return None
