"""Check-then-act: a test of some state, then an act that relies on the answer.

The races family's knowledge, in three parts:

- what a test guards (:func:`guarded_region`): the branches of the `if` whose condition holds the
  check, and, when a branch leaves (`return`, `raise`, `continue`, `break`), the statements that
  follow the `if` in its block;
- the filesystem (:func:`fs_checks`, :func:`fs_acts`): which calls ask whether a path exists and
  which act on one, what makes an act tolerate a lost race (`exist_ok=True`, a handler that
  absorbs the error), and paths that no other process can know (`tempfile.mkdtemp()`);
- locks and shared state (:class:`LockInfo`, :func:`state_reads`, :func:`first_mutation`): which
  classes and modules own a lock, which `with` statements hold one, what reads and mutates
  `self.<attr>` or a module global;
- the ORM lives in :mod:`.orm`: Django and SQLAlchemy lookups, inserts and saves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from ..lazycst import cst, kinds

from .blocks import body_statements, statements
from .handlers import caught, raises_anywhere
from .names import assignment_targets, dotted_name, root_names, target_names
from .reach import nodes as ast_nodes, subtree as ast_subtree
from .programs import ast_imports_any, ast_imports_worker_framework, BUILD_LIBRARIES, in_command, is_command_line_program, is_migration, TEST_LIBRARIES

# ---------------------------------------------------------------------------------------------
# generic: expressions, ordered walks, guarded regions


def expr_key(node: cst.CSTNode) -> str:
    """The expression's code without whitespace or parentheses: `os.path.join(a, b)` and
    `os.path.join( a,b )` are the same key."""
    code = cst.Module([]).code_for_node(node)
    return re.sub(r"[\s()]", "", code) if "#" not in code else re.sub(r"\s", "", code)




def walk_ordered(node: cst.CSTNode, ancestors: Tuple[cst.CSTNode, ...] = ()) -> Iterator[Tuple[cst.CSTNode, Tuple[cst.CSTNode, ...]]]:
    """Every node under ``node`` (itself included) in source order, with its ancestors below
    ``node`` (``ancestors`` first), not entering nested functions, lambdas and classes."""
    from ..walker import child_nodes

    scope_types = kinds("FunctionDef", "Lambda", "ClassDef")
    stack: List[Tuple[cst.CSTNode, Tuple[cst.CSTNode, ...]]] = [(node, ancestors)]
    while stack:
        current, above = stack.pop()
        yield current, above
        inner = above + (current,)
        for child in reversed(child_nodes(current)):
            if type(child) in scope_types:
                continue
            stack.append((child, inner))


_EXITS = ("Return", "Raise", "Continue", "Break")  # names: see reslint.lazycst.kinds


def leaves(block: cst.BaseSuite, exits: Tuple[str, ...] = _EXITS) -> bool:
    """The block ends in a `return`, `raise`, `continue` or `break` of its own (or one of
    ``exits``, names of libcst statement classes): code after the statement that holds it runs only
    when the block did not."""
    stmts = body_statements(block)
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, kinds(*exits)):
        return True
    if isinstance(last, cst.If) and last.orelse is not None:
        return leaves(last.body, exits) and all(leaves(b, exits) for b in _else_blocks(last))
    return False


def _else_blocks(node: cst.If) -> Iterator[cst.BaseSuite]:
    orelse = node.orelse
    while isinstance(orelse, cst.If):
        yield orelse.body
        orelse = orelse.orelse
    if isinstance(orelse, cst.Else):
        yield orelse.body


def following_statements(node: cst.CSTNode, stack: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    """The statements after ``node`` in the block that holds it (``stack``: its ancestors, the
    node itself last or not)."""
    stack = list(stack)
    if stack and stack[-1] is node:
        stack = stack[:-1]
    if not stack:
        return []
    parent = stack[-1]
    holder = node
    if isinstance(parent, cst.SimpleStatementLine) and len(stack) >= 2:
        holder, parent = parent, stack[-2]
    body = getattr(parent, "body", None)
    if isinstance(parent, cst.Module):
        body = parent.body
    if not isinstance(body, (list, tuple)):
        return []
    for index, stmt in enumerate(body):
        if stmt is holder:
            return list(body[index + 1:])
    return []


def guarded_region(node: cst.If, stack: Sequence[cst.CSTNode], exits: Tuple[str, ...] = _EXITS) -> List[cst.CSTNode]:
    """What the `if` decides: its body, its `elif`/`else` branches, and the statements after it
    in its block when one of its branches leaves (by one of ``exits``)."""
    region: List[cst.CSTNode] = [node.body]
    if node.orelse is not None:
        region.append(node.orelse)
    if leaves(node.body, exits) or any(leaves(b, exits) for b in _else_blocks(node)):
        region.extend(following_statements(node, stack))
        region.extend(_after_enclosing(node, stack))
    return region


def _after_enclosing(node: cst.CSTNode, stack: Sequence[cst.CSTNode], levels: int = 3) -> List[cst.CSTNode]:
    """When ``node`` ends the body of an `if`, `with` or `try` (`if name: if taken(name): raise`),
    the statements after that compound statement are reached only past ``node`` too."""
    out: List[cst.CSTNode] = []
    stack = list(stack)
    if not stack or stack[-1] is not node:
        return out
    current = len(stack) - 1
    for _ in range(levels):
        if current < 2:
            break
        block, owner = stack[current - 1], stack[current - 2]
        if not isinstance(block, cst.IndentedBlock) or block.body[-1] is not stack[current]:
            break
        if isinstance(owner, (cst.If, cst.With)) and owner.body is block \
                or isinstance(owner, cst.Try) and owner.body is block:
            out.extend(following_statements(owner, stack[: current - 1]))
            current -= 2
        else:
            break
    return out


def call_name(ctx, call: cst.Call) -> Optional[str]:
    return ctx.qualified_name(call.func)


def kwarg(call: cst.Call, name: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star(call: cst.Call) -> bool:
    return any(arg.star for arg in call.args)


def positional(call: cst.Call) -> List[cst.Arg]:
    """The positional arguments before the first `*args` (whose positions are known)."""
    out = []
    for arg in call.args:
        if arg.star:
            break
        if arg.keyword is None:
            out.append(arg)
    return out


def is_false(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "False"


def is_true(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True"


def enclosing_function(stack: Sequence[cst.CSTNode]) -> Optional[cst.FunctionDef]:
    for node in reversed(stack):
        if isinstance(node, cst.FunctionDef):
            return node
        if isinstance(node, (cst.Lambda, cst.ClassDef)):
            return None
    return None


# ---------------------------------------------------------------------------------------------
# locks

# constructors of locks that threads share
THREAD_LOCKS = frozenset({
    "threading.Lock", "threading.RLock", "threading.Condition", "threading.Semaphore",
    "threading.BoundedSemaphore", "multiprocessing.Lock", "multiprocessing.RLock",
    "_thread.allocate_lock", "_thread.RLock", "filelock.FileLock", "filelock.SoftFileLock",
})
ASYNC_LOCKS = frozenset({
    "asyncio.Lock", "asyncio.Condition", "asyncio.Semaphore", "asyncio.BoundedSemaphore",
    "anyio.Lock", "anyio.Semaphore", "anyio.Condition", "trio.Lock", "trio.StrictFIFOLock",
    "trio.Semaphore", "trio.Condition",
})
_LOCK_TOKENS = frozenset({"mutex", "mtx", "semaphore", "sem", "cond", "condition", "cv", "lck"})
_NOT_LOCKS = frozenset({"block", "clock", "unblock", "unlock", "deadlock", "livelock", "gridlock", "padlock"})


def _lock_word(name: str) -> bool:
    """A name that says it is a lock: `_lock`, `rlock`, `single_connection_lock`, `FileLock`,
    `lock_for_key`, `_mutex`, `_cond` (not `block`, `clock`)."""
    for token in re.split(r"_|(?<=[a-z])(?=[A-Z])", name):
        token = token.lower()
        if token in _LOCK_TOKENS or (token.endswith("lock") and token not in _NOT_LOCKS) \
                or token.endswith("locks") or token.startswith("lock"):
            return True
    return False


def lock_like(ctx, expr: cst.BaseExpression) -> bool:
    """A `with` item that holds a lock: a known lock constructor or a lock-named receiver or
    factory (`self._lock`, `self.pools.lock`, `store.lock_for_key(k)`, `FileLock(path)`)."""
    if isinstance(expr, cst.Call):
        name = ctx.qualified_name(expr.func)
        if name in THREAD_LOCKS or name in ASYNC_LOCKS:
            return True
        expr = expr.func
    name = dotted_name(expr)
    if name is None:
        return False
    return _lock_word(name.rsplit(".", 1)[-1])


def under_lock(ctx, ancestors: Sequence[cst.CSTNode]) -> bool:
    """One of the ancestors is a `with` / `async with` holding a lock (the node in its body)."""
    for node in ancestors:
        if isinstance(node, cst.With) and any(lock_like(ctx, item.item) for item in node.items):
            return True
    return False


def locked_by_decorator(ctx, func: cst.FunctionDef) -> bool:
    for decorator in func.decorators:
        expr = decorator.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        name = dotted_name(expr) or ""
        word = name.rsplit(".", 1)[-1].lower()
        if _lock_word(word) or "synchron" in word or "serializ" in word:
            return True
    return False


def takes_lock(func: cst.FunctionDef) -> bool:
    """The function calls `<lock>.acquire()` (and, presumably, `release()` in a `finally`)."""
    for node, _ in walk_ordered(func.body):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value.startswith("acquire") and _lock_word((dotted_name(node.func.value) or "").rsplit(".", 1)[-1]):
            return True
    return False


def asserts_or_takes_lock(func: cst.FunctionDef) -> bool:
    """The function asserts a lock is held (`assert self._mutex.locked()`) or takes one by hand
    (`lock.acquire()`): what it does is serialised in a way the `with` analysis does not see."""
    for node, _ in walk_ordered(func.body):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            attr = node.func.attr.value
            if attr in ("acquire", "locked", "_is_owned") or attr.startswith("acquire"):
                return True
    return False


# ---------------------------------------------------------------------------------------------
# the filesystem

# os-level checks: qualified name -> position of the path argument
FS_CHECK_FUNCTIONS = {
    "os.path.exists": 0, "os.path.isfile": 0, "os.path.isdir": 0, "os.path.lexists": 0,
    "posixpath.exists": 0, "posixpath.isfile": 0, "posixpath.isdir": 0, "posixpath.lexists": 0,
    "ntpath.exists": 0, "ntpath.isfile": 0, "ntpath.isdir": 0, "genericpath.exists": 0,
    "genericpath.isfile": 0, "genericpath.isdir": 0, "os.access": 0,
}
# pathlib checks: method names on the path itself, called with no positional argument
FS_CHECK_METHODS = frozenset({"exists", "is_file", "is_dir"})

# acts: qualified name -> positions of path arguments
FS_ACT_FUNCTIONS = {
    "builtins.open": (0,), "io.open": (0,), "codecs.open": (0,),
    "os.remove": (0,), "os.unlink": (0,), "os.rmdir": (0,), "os.removedirs": (0,),
    "os.makedirs": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.replace": (0, 1),
    "os.renames": (0, 1),
    "shutil.rmtree": (0,), "shutil.move": (0, 1), "shutil.copy": (0, 1), "shutil.copy2": (0, 1),
    "shutil.copyfile": (0, 1), "shutil.copytree": (0, 1),
}
FS_ACT_METHODS = frozenset({
    "unlink", "mkdir", "open", "read_text", "read_bytes", "write_text", "write_bytes", "touch",
    "rmdir", "rename", "replace",
})
# acts that create or remove a path: the ones whose lost race raises (`FileExistsError` from
# `makedirs`, `FileNotFoundError` from `remove`) where several workers share a directory
FS_CREATE_REMOVE = frozenset({"makedirs", "mkdir", "remove", "unlink", "rmdir", "removedirs", "rmtree"})
# errors whose handler absorbs a lost filesystem race
FS_ERRORS = frozenset({
    "builtins.FileNotFoundError", "builtins.FileExistsError", "builtins.OSError", "builtins.IOError",
    "builtins.EnvironmentError", "builtins.Exception", "builtins.BaseException",
    "builtins.IsADirectoryError", "builtins.NotADirectoryError", "builtins.PermissionError",
    "os.error", "shutil.Error",
})
_SUPPRESS = frozenset({"contextlib.suppress"})
# calls whose result is a path only this process knows
PRIVATE_TEMP = frozenset({
    "tempfile.mkdtemp", "tempfile.mkstemp", "tempfile.TemporaryDirectory", "tempfile.NamedTemporaryFile",
    "tempfile.TemporaryFile",
})
# pytest fixtures that hand a test its own directory
PRIVATE_FIXTURES = frozenset({"tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory"})


@dataclass(frozen=True)
class FsCheck:
    call: cst.Call
    path: cst.BaseExpression
    shown: str  # `os.path.exists(p)` / `p.exists()`
    kind: str   # exists / isfile / isdir / access / is_file / is_dir


@dataclass(frozen=True)
class FsAct:
    call: cst.Call
    path: cst.BaseExpression
    shown: str
    name: str   # makedirs / mkdir / unlink / open / ...
    method: bool  # a pathlib method on the path


def _shown(node: cst.CSTNode, limit: int = 60) -> str:
    code = " ".join(cst.Module([]).code_for_node(node).split()).replace("( ", "(").replace(" )", ")")
    code = code.replace(",)", ")")
    return code if len(code) <= limit else code[: limit - 3] + "..."


def fs_checks(ctx, test: cst.BaseExpression) -> List[FsCheck]:
    """The filesystem checks in an `if` condition (walrus and boolean operators included)."""
    found = []
    for node, _ in walk_ordered(test):
        if not isinstance(node, cst.Call):
            continue
        name = ctx.qualified_name(node.func)
        if name in FS_CHECK_FUNCTIONS:
            args = positional(node)
            if args and not has_star(node):
                found.append(FsCheck(node, args[0].value, _shown(node), name.rsplit(".", 1)[-1]))
        elif (name is None or not name.startswith(("os.", "builtins."))) and isinstance(node.func, cst.Attribute) \
                and node.func.attr.value in FS_CHECK_METHODS and not positional(node) and not has_star(node):
            receiver = node.func.value
            if _pathish(receiver):
                found.append(FsCheck(node, receiver, _shown(node), node.func.attr.value))
    return found


def _pathish(expr: cst.BaseExpression) -> bool:
    """A receiver that can be a path: a name, an attribute chain, `a / b`, `Path(...)`, a call."""
    return isinstance(expr, (cst.Name, cst.Attribute, cst.BinaryOperation, cst.Call, cst.Subscript))


def fs_act(ctx, call: cst.Call) -> Optional[FsAct]:
    name = ctx.qualified_name(call.func)
    if name in FS_ACT_FUNCTIONS:
        args = positional(call)
        word = name.rsplit(".", 1)[-1]
        for position in FS_ACT_FUNCTIONS[name]:
            if position < len(args):
                return FsAct(call, args[position].value, _shown(call), word, False)
        return None
    if isinstance(call.func, cst.Attribute) and call.func.attr.value in FS_ACT_METHODS \
            and (name is None or not name.startswith(("os.", "shutil.", "builtins.", "io."))):
        return FsAct(call, call.func.value, _shown(call), call.func.attr.value, True)
    return None


def act_paths(ctx, act: FsAct) -> List[cst.BaseExpression]:
    """Every path argument of the act (both ends of a move or copy)."""
    if act.method:
        return [act.path]
    name = ctx.qualified_name(act.call.func)
    args = positional(act.call)
    return [args[p].value for p in FS_ACT_FUNCTIONS.get(name, ()) if p < len(args)]


def act_tolerates(act: FsAct) -> bool:
    """The act cannot lose the race: `makedirs(exist_ok=True)`, `unlink(missing_ok=True)`,
    `rmtree(ignore_errors=True)`, `touch()` (exist_ok by default), or a flag we cannot read."""
    call = act.call
    if act.name in ("makedirs", "mkdir"):
        arg = kwarg(call, "exist_ok")
        if arg is None and act.name == "makedirs" and len(positional(call)) >= 3:
            arg = positional(call)[2]
        if arg is None and act.method and len(positional(call)) >= 3:
            arg = positional(call)[2]
        return arg is not None and not is_false(arg.value)
    if act.name == "unlink" and act.method:
        arg = kwarg(call, "missing_ok") or (positional(call)[0] if positional(call) else None)
        return arg is not None and not is_false(arg.value)
    if act.name == "rmtree":
        arg = kwarg(call, "ignore_errors") or (positional(call)[1] if len(positional(call)) > 1 else None)
        return arg is not None and not is_false(arg.value)
    if act.name == "touch":
        arg = kwarg(call, "exist_ok")
        return arg is None or not is_false(arg.value)
    return False


def _assigned_names(node: cst.CSTNode) -> Set[str]:
    out: Set[str] = set()
    if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        for target in assignment_targets(node):
            out.update(target_names(target))
            name = dotted_name(target)
            if name:
                out.add(name)
    elif isinstance(node, cst.NamedExpr):
        out.update(target_names(node.target))
    elif isinstance(node, (cst.For, cst.CompFor)):
        out.update(target_names(node.target))
    elif isinstance(node, cst.AsName):
        out.update(target_names(node.name))
    return out


def path_names(expr: cst.BaseExpression) -> Set[str]:
    """The names and attribute chains whose rebinding changes what ``expr`` denotes."""
    out = set(root_names(expr))
    for node, _ in walk_ordered(expr):
        if isinstance(node, cst.Attribute):
            name = dotted_name(node)
            if name:
                out.add(name)
    return out


def tolerant_handler(ctx, ancestors: Sequence[cst.CSTNode], inner: cst.CSTNode) -> bool:
    """An ancestor `try` whose body holds ``inner`` has a handler that absorbs filesystem errors
    without raising, or an ancestor `with contextlib.suppress(<fs error>)`."""
    chain = list(ancestors) + [inner]
    for index, node in enumerate(chain[:-1]):
        child = chain[index + 1]
        if isinstance(node, cst.Try) and child is node.body:
            for handler in node.handlers:
                if (handler.type is None or caught(handler, ctx.imports).catches_any(FS_ERRORS)) \
                        and (not raises_anywhere(handler.body) or _raises_only_on_other_errno(handler)):
                    return True
        if isinstance(node, cst.With):
            for item in node.items:
                expr = item.item
                if isinstance(expr, cst.Call) and ctx.qualified_name(expr.func) in _SUPPRESS \
                        and any(ctx.qualified_name(a.value) in FS_ERRORS for a in expr.args):
                    return True
    return False


_RACE_ERRNOS = frozenset({"EEXIST", "ENOENT"})


def _reads_errno(expr: cst.CSTNode) -> bool:
    for node, _ in walk_ordered(expr):
        if isinstance(node, cst.Attribute) and (node.attr.value == "errno" or node.attr.value in _RACE_ERRNOS):
            return True
        if isinstance(node, cst.Name) and node.value in _RACE_ERRNOS:
            return True
    return False


def _raises_only_on_other_errno(handler: cst.CSTNode) -> bool:
    """Every `raise` of the handler sits under an `if` that reads the error number
    (`if e.errno != errno.EEXIST: raise`): the lost race itself is absorbed."""
    found = False
    for node, above in walk_ordered(handler.body):
        if isinstance(node, cst.Raise):
            found = True
            if not any(isinstance(a, cst.If) and _reads_errno(a.test) for a in above):
                return False
    return found


def _makes_private(ctx, expr: cst.BaseExpression) -> bool:
    """The expression calls `tempfile.mkdtemp()` & co. (`os.path.join(tempfile.mkdtemp(), name)`)."""
    return any(isinstance(n, cst.Call) and ctx.qualified_name(n.func) in PRIVATE_TEMP for n, _ in walk_ordered(expr))


def class_private_paths(ctx, cls: Optional[cst.ClassDef]) -> Set[str]:
    """`self.<attr>` that some method of the class binds to a private temporary path."""
    if cls is None:
        return set()

    def compute() -> Set[str]:
        out: Set[str] = set()
        for stmt in cls.body.body:
            if not isinstance(stmt, cst.FunctionDef):
                continue
            for node, _ in walk_ordered(stmt.body):
                if isinstance(node, cst.Assign) and _makes_private(ctx, node.value):
                    for target in node.targets:
                        name = dotted_name(target.target)
                        if name and name.startswith("self."):
                            out.add(name)
        return out

    return ctx.memo((class_private_paths, id(cls)), compute)


def private_paths(ctx, func: Optional[cst.CSTNode]) -> Set[str]:
    """Names in the function bound to a path only this process knows: `tempfile.mkdtemp()`,
    `with tempfile.TemporaryDirectory() as d`, a pytest `tmp_path` parameter."""
    if func is None:
        return set()

    def compute() -> Set[str]:
        out: Set[str] = set()
        if isinstance(func, cst.FunctionDef):
            for param in func.params.params + func.params.kwonly_params:
                if param.name.value in PRIVATE_FIXTURES:
                    out.add(param.name.value)
        for node, _ in walk_ordered(func.body if isinstance(func, cst.FunctionDef) else func):
            if isinstance(node, cst.Assign) and (_makes_private(ctx, node.value) or (out and root_names(node.value) & out)):
                # a private path, or one built from it (`out = tmp_path / "out.txt"`)
                for target in node.targets:
                    out.update(target_names(target.target))
                    name = dotted_name(target.target)
                    if name:
                        out.add(name)
            elif isinstance(node, cst.Assign) and any(_temporary(ctx, n) for n in path_names(node.value)):
                # `self._site_dir = os.path.join(temp_dir.path, "site")`
                for target in node.targets:
                    name = dotted_name(target.target)
                    if name:
                        out.add(name)
            elif isinstance(node, cst.WithItem) and isinstance(node.item, cst.Call) \
                    and ctx.qualified_name(node.item.func) in PRIVATE_TEMP and node.asname is not None:
                out.update(target_names(node.asname.name))
        return out

    return ctx.memo((private_paths, id(func)), compute)


_TEMP_WORD = re.compile(r"(?:^|_)(?:tmp|temp|tempdir|tmpdir|temporary)(?:_|$|\d)", re.IGNORECASE)


def _temporary(ctx, name: str) -> bool:
    """A name or attribute that says it holds a temporary path (`tmp_dir`, `self._tmp_file`,
    `temp_dir.path`): such paths are made unique per process (mkdtemp, mkstemp) in practice.
    Imported modules (`tempfile`) do not count: `tempfile.gettempdir()` is shared."""
    parts = name.split(".")
    if parts[0] in ctx.imports.aliases:
        return False
    return any(_TEMP_WORD.search(part.lstrip("_")) for part in parts)


# words that say a file is configuration: a settings file, an rc file, an options file
_CONFIG_WORDS = frozenset({"config", "configs", "configure", "configuration", "conf", "cfg", "settings", "setting",
                           "options", "prefs", "preferences", "rc", "ini", "toml", "dotenv", "setup"})
_WORDS = re.compile(r"[A-Za-z][a-z]*|[A-Z]+(?![a-z])")


def _words(text: str) -> Set[str]:
    return {w.lower() for w in _WORDS.findall(text)}


def reads_only(act: FsAct) -> bool:
    """The act only reads the file: `open(p)` / `p.open()` in a read mode, `read_text`, `read_bytes`."""
    if act.name in ("read_text", "read_bytes"):
        return True
    if act.name != "open":
        return False
    mode = kwarg(act.call, "mode")
    if mode is None:
        args = positional(act.call)
        index = 0 if act.method else 1
        mode = args[index] if len(args) > index else None
    if mode is None:
        return True
    value = mode.value
    return isinstance(value, cst.SimpleString) and not set(str(value.evaluated_value)) & set("wax+")


def configuration_read(act: FsAct, check: FsCheck, func: Optional[cst.CSTNode]) -> bool:
    """A read of a configuration file: the act only reads, and the path (its names or text:
    `config_dir / "settings.json"`) or the function (`configure`, `load_config`) says configuration.
    A file a user writes and may delete, read when the program starts or is configured: a lost
    race is an error the user caused and sees, not a failure of the service."""
    if not reads_only(act):
        return False
    names = set()
    for node, _ in walk_ordered(check.path):
        if isinstance(node, cst.Name):
            names |= _words(node.value)
        elif isinstance(node, cst.Attribute):
            names |= _words(node.attr.value)
        elif isinstance(node, cst.SimpleString):
            names |= _words(str(node.evaluated_value))
    if isinstance(func, cst.FunctionDef):
        names |= _words(func.name.value)
    return bool(names & _CONFIG_WORDS)


@dataclass
class FsFinding:
    check: FsCheck
    act: FsAct
    if_node: cst.If


# checks that ask what a path is, not whether it is there
_TYPE_CHECKS = frozenset({"isfile", "isdir", "is_file", "is_dir", "islink", "is_symlink"})
# calls that list a directory: their items are entries that exist
_LISTINGS = frozenset({"listdir", "scandir", "walk", "iterdir", "glob", "rglob", "iglob"})


def listed_entries(stack: Sequence[cst.CSTNode]) -> Set[str]:
    """Names bound by the enclosing loops over a directory listing (`for name in os.listdir(d)`,
    `for root, dirs, files in os.walk(d)`, `for p in base.rglob("*")`), and the names the loop body
    builds from them before the check (`full = os.path.join(root, name)`)."""
    out: Set[str] = set()
    for index, node in enumerate(stack):
        if not isinstance(node, cst.For):
            continue
        lists = False
        for inner, _ in walk_ordered(node.iter):
            if isinstance(inner, cst.Call):
                func = inner.func
                last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
                if last in _LISTINGS:
                    lists = True
                    break
        if not lists:
            continue
        from .names import target_names

        bound = set(target_names(node.target))
        for inner, _ in walk_ordered(node.body):
            if isinstance(inner, cst.Assign) and len(inner.targets) == 1 and \
                    isinstance(inner.targets[0].target, cst.Name) and path_names(inner.value) & bound:
                bound.add(inner.targets[0].target.value)
        out |= bound
    return out


# the error a lost race makes an act raise, by act
_LOST_RACE_ERROR = {"makedirs": "FileExistsError", "mkdir": "FileExistsError"}
# the errors that include it
_RACE_ERROR_BASES = ("OSError", "IOError", "EnvironmentError")


def _branch_raises(ctx, node: cst.If) -> Set[str]:
    """The builtin errors a branch of the `if` raises as its last statement (`raise
    FileNotFoundError(...)`), by short name."""
    out: Set[str] = set()
    for block in [node.body, *_else_blocks(node)]:
        stmts = body_statements(block)
        if stmts and isinstance(stmts[-1], cst.Raise) and stmts[-1].exc is not None:
            exc = stmts[-1].exc
            name = ctx.qualified_name(exc.func if isinstance(exc, cst.Call) else exc) or ""
            if name.startswith("builtins."):
                out.add(name.split(".", 1)[1])
    return out


def same_error_either_way(ctx, node: cst.If, act: FsAct) -> bool:
    """A branch of the check raises the error the act raises when it loses the race (or a base
    of it): `if not os.path.isfile(p): raise FileNotFoundError(p)` then `os.remove(p)`. Losing the
    race changes nothing for the caller."""
    raised = _branch_raises(ctx, node)
    lost = _LOST_RACE_ERROR.get(act.name, "FileNotFoundError")
    return bool(raised & {lost, *_RACE_ERROR_BASES})


def fs_check_then_act(ctx, node: cst.If, stack: Sequence[cst.CSTNode],
                      acts: Optional[FrozenSet[str]] = None) -> Optional[FsFinding]:
    """The first act on a path that the `if` checked, in the region the check guards, that can
    lose the race: no handler absorbs it, no lock is held, the path is not private. With ``acts``,
    only acts of those names count (the others are passed over)."""
    checks = fs_checks(ctx, node.test)
    if not checks or is_command_line_program(ctx) or is_migration(ctx) or in_command(ctx, stack):
        return None  # no check, or a command-line program: one process, nobody to race with
    func = enclosing_function(stack)
    private = private_paths(ctx, func) if func is not None else set()
    from .scopes import innermost_class

    cls = innermost_class(stack)
    if cls is not None:
        private = private | class_private_paths(ctx, cls)
    if under_lock(ctx, stack) or (func is not None and locked_by_decorator(ctx, func)):
        return None
    listed = listed_entries(stack)
    keys = []
    for check in checks:
        names = path_names(check.path)
        if names & private or any(_temporary(ctx, name) for name in names):
            continue
        if check.kind in _TYPE_CHECKS and names & listed:
            continue  # `isdir(entry)` on an entry a directory listing gave: it picks what to do, it guards nothing
        keys.append((check, expr_key(check.path), names))
    if not keys:
        return None
    rebound: Set[str] = set()
    for part in guarded_region(node, stack):
        for inner, ancestors in walk_ordered(part):
            rebound |= _assigned_names(inner)
            if not isinstance(inner, cst.Call):
                continue
            act = fs_act(ctx, inner)
            if act is None or (acts is not None and act.name not in acts):
                continue
            for check, key, names in keys:
                if names & rebound:
                    continue
                if not any(expr_key(p) == key for p in act_paths(ctx, act)):
                    continue
                if act_tolerates(act):
                    return None  # the code already handles this path's race
                if tolerant_handler(ctx, list(stack) + list(ancestors), inner) or under_lock(ctx, ancestors):
                    return None
                if check.kind == "access" and act.name != "open":
                    continue
                if configuration_read(act, check, func):
                    continue
                if same_error_either_way(ctx, node, act):
                    return None
                return FsFinding(check, act, node)
    return None


# ---------------------------------------------------------------------------------------------
# shared state: `self.<attr>` chains and module globals

# methods that change a container in place
MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "add",
    "discard", "appendleft", "popleft", "extendleft",
})
# methods that run before anyone else can see the object
CONSTRUCTION = frozenset({"__init__", "__new__", "__post_init__", "__init_subclass__", "__set_name__",
                          "__enter__", "__aenter__", "setUp", "asyncSetUp", "setup_method", "__setstate__"})


def _chain(node: cst.CSTNode) -> Optional[str]:
    name = dotted_name(node)
    return name if name and name.startswith("self.") else None


def _chains_read(expr: cst.CSTNode) -> Set[str]:
    """`self.<attr>` chains an expression reads, with their prefixes (`self.a.b` -> self.a.b, self.a);
    a called method's own name is not state (`self.conn.is_open()` reads self.conn)."""
    out: Set[str] = set()
    for node, above in walk_ordered(expr):
        if not isinstance(node, cst.Attribute):
            continue
        parent = above[-1] if above else None
        if isinstance(parent, cst.Attribute) and parent.value is node:
            continue  # the longer chain above covers it
        target = node
        if isinstance(parent, cst.Call) and parent.func is node:
            target = node.value
        name = _chain(target)
        while name and name != "self":
            out.add(name)
            name = name.rsplit(".", 1)[0]
    return out


def local_aliases(func: cst.FunctionDef) -> Dict[str, str]:
    """Locals bound once to a `self.<attr>` chain (`reply = self._pending`)."""
    seen: Dict[str, Optional[str]] = {}
    for node, _ in walk_ordered(func.body):
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            for target in assignment_targets(node):
                if isinstance(target, cst.Name):
                    value = getattr(node, "value", None)
                    chain = _chain(value) if isinstance(node, cst.Assign) and value is not None else None
                    name = target.value
                    seen[name] = chain if name not in seen else None
    return {k: v for k, v in seen.items() if v}


def module_globals(ctx) -> Set[str]:
    """Names a module binds with an assignment at top level (not defs, classes or imports)."""
    def compute() -> Set[str]:
        out: Set[str] = set()
        for stmt in ctx.module.body:
            for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
                for target in assignment_targets(small):
                    out.update(target_names(target))
        return out
    return ctx.memo(module_globals, compute)


@dataclass
class FunctionNames:
    locals: Set[str]
    declared_global: Set[str]
    aliases: Dict[str, str]


def function_names(ctx, func: cst.FunctionDef) -> FunctionNames:
    def compute() -> FunctionNames:
        declared: Set[str] = set()
        local: Set[str] = set()
        params = func.params
        for param in list(params.params) + list(params.posonly_params) + list(params.kwonly_params):
            local.add(param.name.value)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                local.add(star.name.value)
        for node, _ in walk_ordered(func.body):
            if isinstance(node, (cst.Global, cst.Nonlocal)):
                declared.update(n.name.value for n in node.names)
            else:
                local |= {n for n in _assigned_names(node) if "." not in n}
        return FunctionNames(local - declared, declared, local_aliases(func))
    return ctx.memo((function_names, id(func)), compute)


def test_state(ctx, test: cst.BaseExpression, func: cst.FunctionDef, in_class: bool) -> Set[str]:
    """The shared state an `if` condition reads: `self.<attr>` chains (in a method), module globals
    that the function does not shadow, and locals bound to a `self.<attr>` chain."""
    names = function_names(ctx, func)
    out = _chains_read(test) if in_class else set()
    globals_ = module_globals(ctx)
    for node, above in walk_ordered(test):
        if isinstance(node, cst.Name):
            if node.value in names.aliases and in_class:
                # the local itself is tested (`if reply:`), not something reached through it
                parent = above[-1] if above else None
                if not isinstance(parent, (cst.Attribute, cst.Call, cst.Subscript, cst.Arg)):
                    out.add(names.aliases[node.value])
            elif node.value in globals_ and node.value not in names.locals:
                out.add(node.value)
    # attribute names are Name nodes too: keep only globals really read as names
    return {k for k in out if "." in k or _reads_name(test, k)}


def _reads_name(expr: cst.CSTNode, name: str) -> bool:
    for node, above in walk_ordered(expr):
        if isinstance(node, cst.Name) and node.value == name:
            parent = above[-1] if above else None
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is node:
                continue
            return True
    return False


def mutated_state(node: cst.CSTNode, declared_global: Set[str]) -> Set[str]:
    """The state a node changes: `self.x = ...`, `self.x[k] = ...`, `del self.x[k]`,
    `self.x.append(...)`, `G[k] = ...`, `G = ...` under `global G`."""
    out: Set[str] = set()

    def target(expr: cst.BaseExpression) -> None:
        if isinstance(expr, (cst.Tuple, cst.List)):
            for element in expr.elements:
                target(element.value)
            return
        if isinstance(expr, cst.StarredElement):
            target(expr.value)
            return
        if isinstance(expr, cst.Subscript):
            name = dotted_name(expr.value)
            if name and (name.startswith("self.") or "." not in name):
                out.add(name)
            return
        name = dotted_name(expr)
        if name is None:
            return
        if name.startswith("self.") or name in declared_global:
            out.add(name)

    if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        if isinstance(node, cst.AnnAssign) and node.value is None:
            return out
        for t in assignment_targets(node):
            target(t)
    elif isinstance(node, cst.Del):
        target(node.target)
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in MUTATORS:
        name = dotted_name(node.func.value)
        if name and (name.startswith("self.") or "." not in name):
            out.add(name)
    return out


def _contains_await(node: cst.CSTNode) -> bool:
    for inner, _ in walk_ordered(node):
        if isinstance(inner, cst.Await):
            return True
    return False


def _idempotent_memo(ctx, node: cst.CSTNode, block: cst.CSTNode) -> bool:
    """`if self.width is None: self.width = len(row)`: the only statement of the branch stores a
    value computed without calls other than builtins; a second thread computes the same value
    and nothing leaks."""
    if not isinstance(node, cst.Assign) or not isinstance(block, cst.BaseSuite):
        return False
    if body_statements(block) != (node,):
        return False
    for inner, _ in walk_ordered(node.value):
        if isinstance(inner, cst.Await):
            return False
        if isinstance(inner, cst.Call) and not (ctx.qualified_name(inner.func) or "").startswith("builtins."):
            return False
    return True


@dataclass
class StateAct:
    key: str
    node: cst.CSTNode
    after_await: bool
    under_lock: bool


def first_acts(ctx, region: Sequence[cst.CSTNode], keys: Set[str], func: cst.FunctionDef,
               base: Sequence[cst.CSTNode]) -> Dict[str, Optional[StateAct]]:
    """For each key, its first mutation in the region (None when a lock's body re-tests it
    before mutating it: double-checked locking), in source order, noting whether an `await`
    (or `async for` / `async with`) comes before it and whether it runs under a lock."""
    names = function_names(ctx, func)
    found: Dict[str, Optional[StateAct]] = {}
    retested: Dict[str, Set[int]] = {}
    awaited = False
    aliases = names.aliases
    # awaits in a branch that leaves (`if busy: await done; return`) do not precede what follows
    leaving: Set[int] = set()
    awaited_in: Set[int] = set()
    fresh: Set[str] = set()  # keys tested again since the last await

    def suspend(above: Sequence[cst.CSTNode]) -> bool:
        inner = [a for a in above if id(a) in leaving]
        if inner:
            awaited_in.add(id(inner[-1]))
            return False
        return True

    for part in region:
        block = part.body if isinstance(part, cst.Else) else part
        if isinstance(block, cst.BaseSuite) and leaves(block):
            leaving.add(id(block))
    for part in region:
        for node, above in walk_ordered(part):
            if isinstance(node, cst.If) and node.orelse is None and leaves(node.body):
                leaving.add(id(node.body))
            if isinstance(node, cst.Await):
                if suspend(above):
                    if not awaited:
                        # `await self._slot.close()` first: the state's own method may claim it
                        # before it suspends (a `closing` marker set inside), which we cannot see
                        value = node.expression
                        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
                            receiver = dotted_name(value.func.value)
                            if receiver in keys:
                                found.setdefault(receiver, None)
                    awaited = True
                    fresh.clear()
                continue
            if isinstance(node, (cst.With, cst.For)) and node.asynchronous is not None:
                if suspend(above + (node,)):
                    awaited = True
                    fresh.clear()
            if isinstance(node, (cst.If, cst.While)):
                read = _chains_read(node.test) | {aliases[n.value] for n, _ in walk_ordered(node.test)
                                                   if isinstance(n, cst.Name) and n.value in aliases}
                read |= {k for k in keys if "." not in k and _reads_name(node.test, k)}
                for key in read & keys:
                    retested.setdefault(key, set()).update(
                        id(a) for a in above if isinstance(a, cst.With) and any(lock_like(ctx, i.item) for i in a.items))
                    if awaited:
                        # tested afresh after the await: what follows relies on this test
                        fresh.add(key)
                continue
            if not awaited and isinstance(node, (cst.Assign, cst.AnnAssign)):
                # `self._slot.closing = ...` before any await claims `self._slot`
                for t in assignment_targets(node):
                    name = dotted_name(t) or ""
                    for key in keys:
                        if name.startswith(key + ".") and key not in found:
                            found[key] = None
            changed = mutated_state(node, names.declared_global) & keys
            if not changed:
                continue
            if any(isinstance(a, (cst.ExceptHandler, cst.ExceptStarHandler)) for a in above):
                continue  # bookkeeping on a failure path, not the act the test guards
            if _idempotent_memo(ctx, node, part):
                for key in changed:
                    found.setdefault(key, None)
                continue
            if isinstance(node, cst.AugAssign):
                # `remaining -= len(data)` accounts for what was done; it decides nothing
                for key in changed:
                    found.setdefault(key, None)
                continue
            before = awaited or any(id(a) in awaited_in for a in above) \
                or (isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Call))
                                 and _contains_await(node.value if not isinstance(node, cst.Call) else node))
            locks = [a for a in above if isinstance(a, cst.With) and any(lock_like(ctx, i.item) for i in a.items)]
            for key in changed:
                if key in found:
                    continue
                if any(id(w) in retested.get(key, ()) for w in locks) or key in fresh:
                    found[key] = None
                else:
                    found[key] = StateAct(key, node, before, bool(locks))
    return found


@dataclass
class OwnerLocks:
    """What the locks of a class (or of a module) guard."""

    guarded: Dict[str, str]          # state -> the lock expression that guards it somewhere
    calls: Dict[str, List[Tuple[str, bool]]]  # method -> [(calling method, under a lock)]


def _owner_locks(ctx, functions: Sequence[cst.FunctionDef], in_class: bool) -> OwnerLocks:
    guarded: Dict[str, str] = {}
    calls: Dict[str, List[Tuple[str, bool]]] = {}
    for func in functions:
        aliases = local_aliases(func) if in_class else {}
        for node, above in walk_ordered(func.body):
            if isinstance(node, cst.With) and node.asynchronous is None:
                lock = next((i.item for i in node.items if lock_like(ctx, i.item) and _owned(i.item, in_class)), None)
                if lock is None:
                    continue
                shown = _shown(lock.func if isinstance(lock, cst.Call) else lock, 40)
                for inner, inner_above in walk_ordered(node.body):
                    if in_class:
                        if isinstance(inner, cst.Attribute):
                            for key in _chains_read(inner):
                                guarded.setdefault(key, shown)
                        elif isinstance(inner, cst.Name) and inner.value in aliases:
                            guarded.setdefault(aliases[inner.value], shown)
                    elif isinstance(inner, cst.Name):
                        guarded.setdefault(inner.value, shown)
            if in_class and isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                    and isinstance(node.func.value, cst.Name) and node.func.value.value == "self":
                calls.setdefault(node.func.attr.value, []).append(
                    (func.name.value, under_lock(ctx, above) or takes_lock(func)))
    return OwnerLocks(guarded, calls)


def _owned(lock: cst.BaseExpression, in_class: bool) -> bool:
    """The lock belongs to the owner: `self._lock` in a class, a module-level name in a module
    (another object's lock, `self.qos._mutex`, guards that object's state)."""
    if isinstance(lock, cst.Call):
        return False
    name = dotted_name(lock) or ""
    if in_class:
        return name.startswith("self.") and name.count(".") == 1
    return "." not in name


def class_locks(ctx, cls: cst.ClassDef) -> OwnerLocks:
    def compute() -> OwnerLocks:
        methods = [s for s in cls.body.body if isinstance(s, cst.FunctionDef)]
        return _owner_locks(ctx, methods, True)
    return ctx.memo((class_locks, id(cls)), compute)


def module_locks(ctx) -> OwnerLocks:
    def compute() -> OwnerLocks:
        functions = [s for s in statements(ctx.module.body, functions=True) if isinstance(s, cst.FunctionDef)]
        locks = _owner_locks(ctx, functions, False)
        globals_ = module_globals(ctx)
        return OwnerLocks({k: v for k, v in locks.guarded.items() if k in globals_}, {})
    return ctx.memo(module_locks, compute)


def held_by_callers(ctx, cls: cst.ClassDef, name: str, depth: int = 0) -> bool:
    """A private helper that every caller in its class calls under a lock, from a constructor,
    or from another such helper (and that has at least one caller)."""
    if not name.startswith("_") or (name.startswith("__") and name.endswith("__")) or depth > 4:
        return False
    sites = class_locks(ctx, cls).calls.get(name, [])
    if not sites:
        return False
    for caller, locked in sites:
        if locked or caller in CONSTRUCTION:
            continue
        if caller == name or not held_by_callers(ctx, cls, caller, depth + 1):
            return False
    return True


@dataclass
class StateFinding:
    key: str
    act: StateAct
    why: str            # "await" or "lock"
    lock: Optional[str]


def suspends(ctx, func: cst.FunctionDef) -> bool:
    """The function has an `await`, `async for` or `async with` of its own."""
    def compute() -> bool:
        for node, _ in walk_ordered(func.body):
            if isinstance(node, cst.Await) or (isinstance(node, (cst.For, cst.With)) and node.asynchronous is not None):
                return True
        return False
    return ctx.memo((suspends, id(func)), compute)


def owns_a_lock(ctx) -> bool:
    """Somewhere in the file, a sync `with` holds an owner's lock (`with self._lock:`, `with LOCK:`)."""
    def compute() -> bool:
        from .blocks import find_all

        for node in find_all(ctx.module, cst.With):
            if node.asynchronous is None and any(
                    lock_like(ctx, i.item) and (_owned(i.item, True) or _owned(i.item, False)) for i in node.items):
                return True
        return False
    return ctx.memo(owns_a_lock, compute)


def state_check_then_act(ctx, node: cst.If, stack: Sequence[cst.CSTNode]) -> Optional[StateFinding]:
    func = enclosing_function(stack)
    if func is None or func.name.value in CONSTRUCTION:
        return None
    is_async = func.asynchronous is not None and suspends(ctx, func)
    if not is_async and not owns_a_lock(ctx):
        return None
    if under_lock(ctx, stack) or locked_by_decorator(ctx, func):
        return None
    from .scopes import innermost_class

    cls = innermost_class(stack)
    keys = test_state(ctx, node.test, func, cls is not None)
    if not keys:
        return None
    owner_class = class_locks(ctx, cls) if cls is not None and not is_async else None
    owner_module = None
    if not is_async and not any("." not in k for k in keys) and (owner_class is None or not owner_class.guarded):
        return None
    # a loop's `break`/`continue` decides an iteration, not who owns the state
    region = guarded_region(node, stack, ("Return", "Raise"))
    acts = first_acts(ctx, region, keys, func, stack)
    result = None
    for key in sorted(keys):
        act = acts.get(key)
        if act is None:
            continue
        if is_async and act.after_await:
            result = StateFinding(key, act, "await", None)
            break
        if "." in key:
            if owner_class is None and cls is not None:
                owner_class = class_locks(ctx, cls)
            lock = owner_class.guarded.get(key) if owner_class is not None else None
        else:
            owner_module = owner_module or module_locks(ctx)
            lock = owner_module.guarded.get(key)
        if lock is not None:
            result = StateFinding(key, act, "lock", lock)
            break
    if result is None:
        return None
    if asserts_or_takes_lock(func):
        return None
    if cls is not None and held_by_callers(ctx, cls, func.name.value):
        return None
    return result


# ---------------------------------------------------------------------------------------------
# stdlib-tree prefilters: may a file hold a finding at all? (they over-approximate, never under)

_FS_CHECK_WORDS = frozenset({"exists", "isfile", "isdir", "lexists", "access", "is_file", "is_dir"})


def ast_name(expr) -> Optional[str]:
    import ast

    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return None


_FS_ACT_WORDS = frozenset({name.rsplit(".", 1)[-1] for name in FS_ACT_FUNCTIONS}) | FS_ACT_METHODS


def _ast_keys(call, with_args: bool) -> Set[str]:
    """What a call may name as its path, keyed as :func:`expr_key` keys a libcst expression (an
    equal libcst key implies an equal key here): the receiver of a method call, and the positional
    arguments (all of them for an act, the first for a check)."""
    import ast

    exprs = []
    if isinstance(call.func, ast.Attribute):
        exprs.append(call.func.value)
    args = call.args if with_args else call.args[:1]
    exprs.extend(a.value if isinstance(a, ast.Starred) else a for a in args)
    return {re.sub(r"[\s()]", "", ast.unparse(e)) for e in exprs}


# what the stdlib-tree side may take as surely absorbing a lost race: handlers of these names
# (builtins, or `os.error`) whose body does not raise, or raises only under a test of the errno
_AST_FS_ERRORS = frozenset(n.split(".", 1)[1] for n in FS_ERRORS if n.startswith("builtins."))
# act keywords that make the act tolerate the race unless given a literal False
_AST_TOLERATE = {"makedirs": "exist_ok", "mkdir": "exist_ok", "rmtree": "ignore_errors"}


def _ast_tolerates(call, name: str) -> bool:
    """The act surely tolerates the race (as :func:`act_tolerates` would say)."""
    import ast

    keyword = _AST_TOLERATE.get(name)
    for kw in call.keywords:
        if keyword is not None and kw.arg == keyword:
            return not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
    return False


def _ast_absorbs(handler) -> bool:
    """A handler that surely absorbs a filesystem error (as :func:`tolerant_handler` would say)."""
    import ast

    if handler.type is not None:
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if not any(isinstance(t, ast.Name) and t.id in _AST_FS_ERRORS
                   or isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and (t.value.id, t.attr) == ("os", "error")
                   for t in types):
            return False
    raises = []
    guarded = set()
    stack = [(stmt, False) for stmt in handler.body]
    while stack:
        node, under_errno = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Raise):
            raises.append(node)
            if under_errno:
                guarded.add(id(node))
        if isinstance(node, ast.If) and any(isinstance(n, ast.Attribute) and (n.attr == "errno" or n.attr in _RACE_ERRNOS)
                                            or isinstance(n, ast.Name) and n.id in _RACE_ERRNOS for n in ast.walk(node.test)):
            stack.extend((child, True) for child in ast.iter_child_nodes(node))
            continue
        stack.extend((child, under_errno) for child in ast.iter_child_nodes(node))
    return all(id(r) in guarded for r in raises) if raises else True


def _ast_handled(func) -> Set[int]:
    """Ids of the nodes in the body of a `try` (under ``func``) that has an absorbing handler."""
    import ast

    out: Set[int] = set()
    for node in ast_subtree(func):
        if isinstance(node, ast.Try) and any(_ast_absorbs(h) for h in node.handlers):
            for stmt in node.body:
                out.update(id(n) for n in ast_subtree(stmt))
    return out


def ast_fs_candidate(tree, acts_only: Optional[FrozenSet[str]] = None, workers: bool = False) -> bool:
    """An `if` whose condition calls a filesystem check (or an alias of one) in a function (or
    the module's top-level code) that also calls an act (or an alias of one) on the same path
    expression: the check and the act of a finding always share their function and their path.
    ``acts_only``: only acts of those names count; ``workers``: the module must import a framework
    of :func:`.programs.runs_in_many_workers` and no test or build library (:func:`.programs.is_test_module`,
    :func:`.programs.is_build_step`)."""
    import ast

    if workers and (not ast_imports_worker_framework(ast_nodes(tree))
                    or ast_imports_any(ast_nodes(tree), TEST_LIBRARIES | BUILD_LIBRARIES)):
        return False
    act_words = _FS_ACT_WORDS if acts_only is None else _FS_ACT_WORDS & acts_only
    checks = set(_FS_CHECK_WORDS)
    acts = set(act_words)
    ifs = []
    for node in ast_nodes(tree):
        if isinstance(node, ast.ImportFrom):
            checks.update(a.asname for a in node.names if a.asname and a.name in _FS_CHECK_WORDS)
            acts.update(a.asname for a in node.names if a.asname and a.name in act_words)
        elif isinstance(node, ast.If):
            ifs.append(node)
    # `os.access` guards only an `open` (see fs_check_then_act)
    check_words = checks if "open" in act_words else checks - {"access"}
    checked: Dict[int, Tuple[Set[str], int]] = {}
    for node in ifs:
        keys: Set[str] = set()
        for sub in ast.walk(node.test):
            if isinstance(sub, ast.Call) and ast_name(sub.func) in check_words:
                keys |= _ast_keys(sub, False)
        if keys:
            checked[id(node)] = (keys, node.lineno)
    if not checked:
        return False

    def acted(nodes, keys: Set[str], line: int, handled: Set[int] = frozenset()) -> bool:
        """An act on one of ``keys`` at or after ``line`` (what an `if` decides comes after it)."""
        for n in nodes:
            if isinstance(n, ast.Call) and n.lineno >= line and id(n) not in handled:
                name = ast_name(n.func)
                if name in acts and not _ast_tolerates(n, name) and _ast_keys(n, True) & keys:
                    return True
        return False

    inside: Set[int] = set()
    for func in outer_functions(tree):
        nodes = ast_subtree(func)
        ids = {id(n) for n in nodes}
        inside |= ids
        mine = [checked[i] for i in checked.keys() & ids]
        if mine:
            handled = _ast_handled(func)
            if any(acted(nodes, keys, line, handled) for keys, line in mine):
                return True
    # a check in top-level code: any later act of the file may follow it
    return any(acted(ast_nodes(tree), *checked[i]) for i in checked.keys() - inside)


def ast_state_candidate(tree) -> bool:
    """An `await` (or `async for` / `async with`), or a `with` of a lock-named object."""
    import ast

    for node in ast_nodes(tree):
        if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return True
        if isinstance(node, ast.With):
            for item in node.items:
                expr = item.context_expr
                if isinstance(expr, ast.Call):
                    expr = expr.func
                name = ast_name(expr)
                if name and _lock_word(name):
                    return True
    return False


def outer_functions(tree):
    """The functions not nested in another function: module-level and class-level defs, also under
    `if` / `try` / `with` blocks and in nested classes."""
    import ast

    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node
        elif isinstance(node, ast.ClassDef):
            stack.extend(node.body)
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)) or \
                type(node).__name__ in ("TryStar", "Match"):
            for field in ("body", "orelse", "finalbody"):
                stack.extend(getattr(node, field, ()) or ())
            for handler in getattr(node, "handlers", ()):
                stack.extend(handler.body)
            for case in getattr(node, "cases", ()):
                stack.extend(case.body)
