"""Task cancellation: which classes mean "this task is being cancelled", and the idiom of
awaiting a task the code cancelled itself.

asyncio, trio and anyio stop a task by raising their cancellation exception inside it, where it
suspends. Catching one is swallowing the task's own cancellation, unless what is caught is a
child's: `task.cancel()` followed by `try: await task` / `except CancelledError: pass` waits for
the child to finish cancelling, and the exception it catches is the child's.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .blocks import always_true, body_statements, child_blocks, walk
from .cleanup import called_name
from .handlers import suspends_in

# what an `except` may name to catch cancellation (a call: the class it returns)
CANCELLATION = frozenset({
    "builtins.BaseException",
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "trio.Cancelled",
    "anyio.get_cancelled_exc_class()",
})


def awaited_targets(block: cst.BaseSuite, module: cst.Module) -> Set[str]:
    """Source text of the tasks and futures a `try` body awaits: `await t`, `x = await t`, `return
    await t`, `await gather(*ts)`, `await asyncio.wait_for(t, 5)`, `await asyncio.wait([a, b])`.
    Statements that cannot suspend (no `await`, `async for` or `async with`) may sit between
    them (`self._task = None`, `return result`); empty when any other statement suspends."""
    out: Set[str] = set()
    for stmt in body_statements(block):
        if _is_cancel_call(stmt):
            continue  # `task.cancel()` then `await task` in the same `try`
        value = None
        if isinstance(stmt, cst.Expr):
            value = stmt.value
        elif isinstance(stmt, (cst.Assign, cst.AnnAssign, cst.Return)) and stmt.value is not None:
            value = stmt.value
        if not isinstance(value, cst.Await):
            if suspends_in(stmt):
                return set()
            continue
        target = value.expression
        if not isinstance(target, cst.Call):
            out.add(module.code_for_node(target))
            continue
        # a call that does the task's own work can receive its own cancellation; so can
        # gather(..., return_exceptions=True), which returns its children's CancelledErrors
        if called_name(target) not in _WAITS_ON_ARGUMENT or any(
                arg.keyword is not None and arg.keyword.value == "return_exceptions" for arg in target.args):
            return set()
        for arg in target.args:
            if arg.keyword is not None:
                continue
            elements = arg.value.elements if isinstance(arg.value, (cst.List, cst.Tuple, cst.Set)) else [arg]
            for element in elements:
                if isinstance(element.value, (cst.Name, cst.Attribute, cst.Subscript)):
                    out.add(module.code_for_node(element.value))
                elif not isinstance(element.value, (cst.Integer, cst.Float)):
                    return set()  # a comprehension, a call: what it waits for is not known
    return out


def _is_cancel_call(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call)
            and isinstance(stmt.value.func, cst.Attribute) and stmt.value.func.attr.value == "cancel")


def cancelled_targets(node: cst.CSTNode, module: cst.Module, stop_at: Optional[cst.CSTNode] = None) -> Set[str]:
    """Source text of the receivers of `.cancel()` calls under ``node`` (and of `.cancel` handed
    to be called later: `loop.call_soon_threadsafe(fut.cancel)`, `loop.call_later(5,
    task.cancel)`), and of the iterables of loops that cancel their items (`for t in tasks:
    t.cancel()` -> `t`, `tasks`). With ``stop_at``, only calls before that node (in source
    order) count."""
    targets: Set[str] = set()
    # depth first, children in order (`.children` is source order): as a visitor goes
    stack: List[Tuple[cst.CSTNode, Tuple[cst.For, ...]]] = [(node, ())]
    while stack:
        current, loops = stack.pop()
        if current is stop_at:
            break  # everything after this is later in the source
        func = getattr(current, "func", None)
        if isinstance(current, cst.Call) and isinstance(func, cst.Attribute) and func.attr.value == "cancel":
            receiver = module.code_for_node(func.value)
            targets.add(receiver)
            for loop in loops:
                if module.code_for_node(loop.target) == receiver:
                    targets.add(module.code_for_node(loop.iter))
        elif isinstance(current, cst.Arg) and isinstance(current.value, cst.Attribute) \
                and current.value.attr.value == "cancel":
            targets.add(module.code_for_node(current.value.value))  # the bound method, called later
        inner = loops + (current,) if isinstance(current, cst.For) else loops
        stack.extend((child, inner) for child in reversed(current.children))
    return targets


def awaits_cancelled_task(module: cst.Module, stack: Sequence[cst.CSTNode], try_node: cst.CSTNode) -> bool:
    """The `try` (on top of the ancestor ``stack``) only awaits tasks this code cancelled: earlier
    in the function or in the `try` itself, in a closure of the function or of the functions
    around it (a sibling callback that cancels the future the `try` awaits), or (for
    `self.<attr>`) in any method of the class, such as a `stop()` that cancels a task `run()`
    awaits."""
    from .blocks import find_all

    awaited = awaited_targets(try_node.body, module)
    if not awaited:
        return False
    functions = [n for n in reversed(stack) if isinstance(n, cst.FunctionDef)]
    if not functions:
        return False
    func = functions[0]
    cancelled = cancelled_targets(func.body, module, stop_at=try_node) | cancelled_targets(try_node.body, module)
    cancelled |= _members(func.body, module, cancelled)
    for closure in find_all(func.body, cst.FunctionDef) + find_all(func.body, cst.Lambda):
        cancelled |= cancelled_targets(closure, module)
    for outer in functions[1:]:
        cancelled |= cancelled_targets(outer.body, module)
    # `task = self._task` then `self._task.cancel()` and `await task`: the local is the attribute
    copies = _copies(func.body, module)
    left = {t for t in awaited if t not in cancelled and copies.get(t) not in cancelled}
    cls = next((n for n in reversed(stack) if isinstance(n, cst.ClassDef)), None)
    if left and cls is not None:
        in_class = cancelled_targets(cls.body, module)
        attributes = {t.split(".", 1)[1] for t in in_class if "." in t}
        left = {t for t in left if not (copies.get(t, t).startswith("self.") and copies.get(t, t) in in_class)
                and not (_kept_on_object(func, cls, {t}) & attributes)}
    return not left


def _copies(body: cst.BaseSuite, module: cst.Module) -> "dict[str, str]":
    """Local names the function binds, once, to another name or attribute (`task = self._task`):
    name -> source text of what it copies."""
    from .blocks import small_statements

    seen: "dict[str, list]" = {}
    for small in small_statements(body):
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            value = small.value
            text = module.code_for_node(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
            seen.setdefault(small.targets[0].target.value, []).append(text)
    return {name: texts[0] for name, texts in seen.items() if len(texts) == 1 and texts[0] is not None}


def _members(body: cst.BaseSuite, module: cst.Module, collections: Set[str]) -> Set[str]:
    """Source text of the names listed in the value a collection in ``collections`` was assigned
    from in ``body`` (`_, pending = await asyncio.wait([reader, writer])`, `tasks = [a, b]`): a
    loop that cancels the collection's items cancels them."""
    from .blocks import small_statements
    from .names import assignment_targets, target_names

    out: Set[str] = set()
    for small in small_statements(body):
        if not isinstance(small, cst.Assign):
            continue
        if not any(name in collections for target in assignment_targets(small) for name in target_names(target)):
            continue
        for node in walk(small.value):
            if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
                out.update(module.code_for_node(e.value) for e in node.elements
                           if isinstance(e.value, (cst.Name, cst.Attribute)))
    return out


def _kept_on_object(func: cst.FunctionDef, cls: cst.ClassDef, awaited: Set[str]) -> Set[str]:
    """Attributes of the object that ``func`` keeps an awaited name in: directly (`self._task =
    task`) or through a method of ``cls`` that stores it (`self._set_active_task(task)` whose
    body is `cls._active_task = task`)."""
    from .scopes import receiver_name, stored_attributes, stored_through_method

    owner = receiver_name(func)
    names = {t for t in awaited if t.isidentifier()}
    if owner is None or not names:
        return set()
    stored = stored_attributes(func.body, owner, names)
    for node in walk(func.body):
        if isinstance(node, cst.Call):
            stored |= stored_through_method(node, owner, cls,
                                            lambda arg: isinstance(arg, cst.Name) and arg.value in names)
    return stored


# calls that run a coroutine as a task of its own, by the called name (`asyncio.create_task`,
# `loop.create_task`, `tg.create_task`, `asyncio.ensure_future`, tornado's `convert_yielded`,
# anyio's `start_soon`), and runners whose argument becomes the main task
_TASK_SPAWNERS = frozenset({"create_task", "ensure_future", "run_coroutine_threadsafe", "convert_yielded",
                            "start_soon", "run_until_complete"})
_TASK_RUNNERS = frozenset({"asyncio.run", "trio.run", "anyio.run"})


def task_entries(module: cst.Module, imports) -> Set[str]:
    """Names of the coroutine functions this module starts as tasks: the callee of the
    coroutine handed to a spawner (`asyncio.create_task(self._run())`, `loop.create_task(worker(q))`),
    directly or through a local name (`coro = self._run(); asyncio.ensure_future(coro)`)."""
    from .blocks import find_all

    calls = find_all(module, cst.Call)
    spawned: Set[str] = set()
    handed: Set[str] = set()
    for call in calls:
        word = called_name(call)
        if word not in _TASK_SPAWNERS and imports.resolve(call.func) not in _TASK_RUNNERS:
            continue
        first = next((a.value for a in call.args if a.keyword is None and not a.star), None)
        if first is None:
            continue
        name = called_name(first)
        if name:
            spawned.add(name)
        elif isinstance(first, cst.Name):
            handed.add(first.value)
    if handed:
        for assign in find_all(module, cst.Assign):
            if any(isinstance(t.target, cst.Name) and t.target.value in handed for t in assign.targets):
                name = called_name(assign.value)
                if name:
                    spawned.add(name)
    return spawned


def ends_task(handler: cst.CSTNode, stack: Sequence[cst.CSTNode], entries: Set[str],
              endings: bool = False) -> bool:
    """`except CancelledError: return` in the coroutine a task runs (one of ``entries``, or a
    coroutine that can end no other way, :func:`runs_forever`): the handler returns, so the task
    ends and the cancellation has done its work. With ``endings``, also a handler that leads to
    the coroutine's end another way (:func:`leads_to_end`: `pass`, a log line, a `break` out of
    its loop, with nothing after it that suspends)."""
    statements = body_statements(handler.body)
    if not statements:
        return False
    returns = isinstance(statements[-1], cst.Return)
    if not returns and not endings:
        return False
    func = next((n for n in reversed(stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
    if not isinstance(func, cst.FunctionDef) or func.asynchronous is None:
        return False
    if not returns and not leads_to_end(statements[-1], stack, func):
        return False
    return func.name.value in entries or runs_forever(func, stack)


def leads_to_end(last: cst.CSTNode, stack: Sequence[cst.CSTNode], func: cst.FunctionDef) -> bool:
    """After a handler whose last statement is ``last`` (``stack`` ends with the handler), the
    coroutine ``func`` ends with nothing more that suspends: the handler does not go round its
    loop again (`continue`, or no `break` when the `try` sits in a loop), and every statement
    after the one holding it, up to the function's end, cannot suspend (cleanup, log lines)."""
    if isinstance(last, (cst.Continue, cst.Raise)):
        return False
    leaving = isinstance(last, cst.Break)  # a `break` leaves the innermost loop, once
    for index in range(len(stack) - 2, 0, -1):
        node = stack[index]
        if node is func:
            return True
        if isinstance(node, (cst.For, cst.While)):
            if not leaving:
                return False  # the loop goes round again
            leaving = False
        parent = stack[index - 1]
        if isinstance(parent, cst.IndentedBlock):
            body = list(parent.body)
            if node in body and any(suspends_in(after) for after in body[body.index(node) + 1:]):
                return False
    return False


def runs_forever(func: cst.FunctionDef, stack: Sequence[cst.CSTNode]) -> bool:
    """The coroutine ends in a `while True:` loop that holds the handler, has no `break` of its
    own, and no `return` of the function lies outside an `except` handler: it can only end by an
    error or by a handler's `return`. No caller awaits such a coroutine to go on afterwards, so it
    runs as a task (started in another module, or by a base class), and a `return` on
    cancellation ends that task (`while True: try: msg = await sub.get() ... except
    CancelledError: return`)."""
    body = list(func.body.body) if isinstance(func.body, cst.IndentedBlock) else []
    loop = body[-1] if body else None
    if not isinstance(loop, cst.While) or loop not in stack or not always_true(loop.test):
        return False
    if any(isinstance(node, cst.Break) for node in walk(loop.body, into_loops=False)):
        return False
    return not _returns_outside_handlers(func.body)


def _returns_outside_handlers(block: cst.BaseSuite) -> bool:
    """A `return` in the block (nested functions excluded) that is not inside an `except` handler."""
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            if any(isinstance(small, cst.Return) for small in stmt.body):
                return True
            continue
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        handlers = {id(h.body) for h in getattr(stmt, "handlers", ())}
        if any(id(child) not in handlers and _returns_outside_handlers(child) for child in child_blocks(stmt)):
            return True
    return False


# -- what a handler's fix may assume ----------------------------------------------------------------

def _bound_name(handler: cst.CSTNode) -> Optional[str]:
    name = getattr(handler, "name", None)
    if name is not None and isinstance(name.name, cst.Name):
        return name.name.value
    return None


def _saved_to(handler: cst.CSTNode) -> Set[str]:
    """What the handler saves the error (or a flag saying it happened) in: `saved = e`,
    `self._cancelled = exc`, `cancelled = True`."""
    from .blocks import small_statements
    from .names import dotted_name

    bound = _bound_name(handler)
    out: Set[str] = set()
    for small in small_statements(handler.body):
        if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
            value = small.value
            saves = (isinstance(value, cst.Name) and (value.value == bound or value.value == "True"))
            if not saves:
                continue
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            out.update(filter(None, (dotted_name(t) for t in targets)))
    return out


def reraised_later(stack: Sequence[cst.CSTNode], handler: cst.CSTNode) -> bool:
    """The handler saves the error (or a flag) and the function raises it after the `try`:
    `except CancelledError as e: saved = e` ... `if saved: raise saved`, the save-and-re-raise
    idiom that lets cleanup run first."""
    from .blocks import statements
    from .names import dotted_name, names_in

    saved = _saved_to(handler)
    if not saved:
        return False
    function = next((n for n in reversed(stack) if isinstance(n, cst.FunctionDef)), None)
    if function is None:
        return False
    for stmt in statements(function.body):
        if isinstance(stmt, cst.If) and (names_in(stmt.test) & {s.split(".")[-1] for s in saved}):
            for inner in statements(stmt.body):
                lines = inner.body if isinstance(inner, cst.SimpleStatementLine) else (inner,)
                if any(isinstance(small, cst.Raise) for small in lines):
                    return True
        lines = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()
        for small in lines:
            if isinstance(small, cst.Raise) and small.exc is not None and dotted_name(small.exc) in saved:
                return True
    return False


# calls whose first argument is what they wait for (an awaitable that may be another task)
_WAITS_ON_ARGUMENT = frozenset({"wait_for", "shield", "gather", "wait", "ensure_future", "as_completed"})


def awaits_only_own_work(block: cst.BaseSuite) -> bool:
    """Every `await` in the block awaits a call that does the task's own work (`await
    client.get(url)`), never an object that may be another task or future (`await task`,
    `await self._reader`, `await asyncio.wait_for(task, 5)`, `await asyncio.gather(*tasks)`):
    a `CancelledError` from those may be the other task's, which re-raising would misreport."""
    from .blocks import walk

    for node in walk(block):
        if not isinstance(node, cst.Await):
            continue
        expr = node.expression
        if not isinstance(expr, cst.Call):
            return False
        func = expr.func
        last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        if last in _WAITS_ON_ARGUMENT:
            positional = [a for a in expr.args if a.keyword is None]
            if last in ("wait_for", "shield", "ensure_future"):
                positional = positional[:1]
            if any(a.star or not isinstance(a.value, cst.Call) for a in positional):
                return False
    return True


# -- a cheap first look, on the stdlib tree: may a file hold a RES303 finding at all? -------------

_CANCELLATION_WORDS = frozenset(name.rsplit(".", 1)[-1].rstrip("()") for name in CANCELLATION)


def ast_cancellation_candidate(tree, extra: Sequence[str] = ()) -> bool:
    """A `try` in an `async def` (the nearest function around it) whose body may suspend and one
    of whose clauses may catch cancellation (bare, or a class whose name, or the name it is
    imported from, is one of :data:`CANCELLATION`'s or of ``extra``, qualified names) with no
    `raise` among its statements (nested functions and classes left out): a sound
    over-approximation of what RES303 reports, on the stdlib tree."""
    import ast

    from .reach import STATEMENT_FIELDS, carried, reach_of, subtree

    words = set(_CANCELLATION_WORDS) | {name.rsplit(".", 1)[-1].rstrip("()") for name in extra}
    reach = reach_of(tree)
    for table in (reach.absolute, reach.relative):
        for local, targets in table.items():
            if any(target.rsplit(".", 1)[-1] in words for target in targets):
                words.add(local)  # `from asyncio import CancelledError as Cancel`

    def catches(handler) -> bool:
        if handler.type is None:
            return True
        pending = [handler.type]
        while pending:
            expr = pending.pop()
            if isinstance(expr, ast.Tuple):
                pending.extend(expr.elts)
                continue
            if isinstance(expr, ast.Call):
                expr = expr.func
            if (isinstance(expr, ast.Attribute) and expr.attr in words) or \
                    (isinstance(expr, ast.Name) and expr.id in words):
                return True
        return False

    def raises(body) -> bool:
        pending = list(body)
        while pending:
            stmt = pending.pop()
            kind = type(stmt)
            if kind is ast.Raise:
                return True
            if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                continue
            for name in STATEMENT_FIELDS:
                pending.extend(getattr(stmt, name, None) or ())
        return False

    def suspends(body) -> bool:
        return any(isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)) or
                   (isinstance(node, ast.comprehension) and node.is_async)
                   for stmt in body for node in subtree(stmt))

    try_types = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)

    def enter(node, in_async):  # whether the nearest function is a coroutine
        kind = type(node)
        return True if kind is ast.AsyncFunctionDef else False if kind is ast.FunctionDef else in_async

    return any(in_async and type(node) in try_types and suspends(node.body) and
               any(catches(h) and not raises(h.body) for h in node.handlers)
               for node, in_async in carried(tree, False, enter))


_CURRENT_TASK = frozenset({"asyncio.current_task", "asyncio.tasks.current_task"})


def recancels_current_task(handler: cst.CSTNode, imports) -> bool:
    """The handler cancels its own task again (`asyncio.current_task().cancel()`, or through a
    name the handler binds to `asyncio.current_task()`, under an `if` too): the next `await`
    raises the cancellation, so it is deferred, not swallowed (code that cannot be interrupted
    at that point does this)."""
    current: Set[str] = set()
    for node in walk(handler.body):
        if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call) \
                and imports.resolve(node.value.func) in _CURRENT_TASK:
            current.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))
    for node in walk(handler.body):
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "cancel"):
            continue
        receiver = node.func.value
        if isinstance(receiver, cst.Call) and imports.resolve(receiver.func) in _CURRENT_TASK:
            return True
        if isinstance(receiver, cst.Name) and receiver.value in current:
            return True
    return False
