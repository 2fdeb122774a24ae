"""What an `except` clause catches and what its body does with the error.

The exceptions family's knowledge: which classes are broad, what a handler body does (drops
the error, re-raises, hands it on, ends the process, falls back to a value), and whether a
`try` can suspend a coroutine. Cleanup vocabulary lives in :mod:`.cleanup`, cancellation in
:mod:`.cancellation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple, Union

from ..lazycst import cst, kinds

from .blocks import body_statements, child_blocks, find_all, small_statements, walk
from .names import ImportTable, names_in

Handler = Union["cst.ExceptHandler", "cst.ExceptStarHandler"]

# classes that catch every error
BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
# calls that end the process: a handler that makes one swallows nothing
PROCESS_EXITS = frozenset({"os._exit", "sys.exit", "os.abort"})
# methods that hand an error on to be raised elsewhere: a future's or deferred's failure side
# (`set_exception`, twisted/kafka `failure`/`errback`), a collection or a queue the error is
# raised from later (`append`, `put`)
_HANDING_ON = frozenset({"set_exception", "failure", "errback", "reject", "append", "put_nowait", "put", "send_nowait"})
# collection methods that keep an error for later (the loop-then-raise idiom)
_COLLECTING = frozenset({"append", "add", "put", "put_nowait"})
# return annotations that say a function never returns
_NO_RETURN = frozenset({"NoReturn", "Never"})


@dataclass(frozen=True)
class Caught:
    """The classes one `except` clause names.

    `names` holds one qualified name per class expression (None where the
    expression cannot be resolved, e.g. a variable holding a tuple). A call
    such as `anyio.get_cancelled_exc_class()` resolves to its callee's name
    followed by `()`.
    """

    bare: bool
    names: Tuple[Optional[str], ...]

    def catches_any(self, qualified: "frozenset[str] | set[str]") -> bool:
        return any(name in qualified for name in self.names if name)


def _class_expressions(expr: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    if isinstance(expr, cst.Tuple):
        for element in expr.elements:
            yield from _class_expressions(element.value)
    else:
        yield expr


def caught(handler: Handler, imports: ImportTable) -> Caught:
    if handler.type is None:
        return Caught(True, ())
    names = []
    for expr in _class_expressions(handler.type):
        if isinstance(expr, cst.Call):
            callee = imports.resolve(expr.func)
            names.append(callee + "()" if callee else None)
        else:
            names.append(imports.resolve(expr))
    return Caught(False, tuple(names))


def clause_text(module: cst.Module, handler: Handler, limit: int = 60) -> str:
    """`except (A, B):` as a message quotes it: classes only, comments and line breaks dropped."""
    star = "*" if isinstance(handler, cst.ExceptStarHandler) else ""
    if handler.type is None:
        return "except:"
    parts = [" ".join(module.code_for_node(expr).split()) for expr in _class_expressions(handler.type)]
    text = ", ".join(parts)
    if isinstance(handler.type, cst.Tuple):
        text = f"({text},)" if len(parts) == 1 else f"({text})"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"except{star} {text}:"


def _is_noop(stmt: cst.CSTNode) -> bool:
    if isinstance(stmt, cst.Pass):
        return True
    if isinstance(stmt, cst.Expr):
        return isinstance(stmt.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString))
    return False


def drops_error(block: cst.BaseSuite) -> bool:
    """True when a handler body does nothing with the error.

    Only `pass`, `...`, a bare string, `continue`, `break`, `return` and
    `return None` count: anything else (a call, an assignment, a raise, a
    `return value`) may handle, record or report the error.
    """
    for stmt in body_statements(block):
        if _is_noop(stmt) or isinstance(stmt, (cst.Continue, cst.Break)):
            continue
        if isinstance(stmt, cst.Return):
            value = stmt.value
            if value is None or (isinstance(value, cst.Name) and value.value == "None"):
                continue
        return False
    return True


def raises_anywhere(block: cst.BaseSuite) -> bool:
    """A `raise` statement somewhere in the block (nested functions excluded)."""
    return any(isinstance(stmt, cst.Raise) for stmt in small_statements(block))


def _exits_early(block: cst.BaseSuite, in_loop: bool = False) -> bool:
    """A `return`, or a `continue`/`break` that leaves the handler, anywhere in the block."""
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Return):
                    return True
                if isinstance(small, (cst.Continue, cst.Break)) and not in_loop:
                    return True
            continue
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        loop = in_loop or isinstance(stmt, (cst.For, cst.While))
        for child in child_blocks(stmt):
            # a loop's `else` runs after the loop: break/continue there leave the handler
            nested_loop = loop and not (isinstance(stmt, (cst.For, cst.While)) and child is getattr(stmt.orelse, "body", None))
            if _exits_early(child, nested_loop if isinstance(stmt, (cst.For, cst.While)) else in_loop):
                return True
    return False


def raises_unconditionally(block: cst.BaseSuite) -> bool:
    """The handler re-raises on every path: a `raise` among its own statements, and no
    `return`, `continue` or `break` anywhere that could leave it before that."""
    if not any(isinstance(stmt, cst.Raise) for stmt in body_statements(block)):
        return False
    return not _exits_early(block)


def exits_process(block: cst.BaseSuite, imports: ImportTable) -> bool:
    """The block ends the process (`os._exit(1)`, `sys.exit(...)`) among its own statements."""
    for stmt in body_statements(block):
        if isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call):
            if imports.resolve(stmt.value.func) in PROCESS_EXITS:
                return True
    return False


def reads_future(block: cst.BaseSuite) -> bool:
    """`try: fut.result()` / `fut.exception()`: a done-callback retrieving an outcome so that asyncio
    does not log "exception was never retrieved"; swallowing it is the point."""
    statements = [s for s in body_statements(block)
                  if not (isinstance(s, cst.Expr) and isinstance(s.value, cst.Call) and _logs(s.value))]
    if len(statements) != 1 or not isinstance(statements[0], cst.Expr):
        return False
    call = statements[0].value
    if isinstance(call, cst.Await) and isinstance(call.expression, (cst.Name, cst.Attribute)):
        # `await self._ready`: waiting on a future or task that runs (and reports) elsewhere; only its
        # outcome is read here, as `fut.result()` does
        return True
    return (isinstance(call, cst.Call) and not call.args and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("result", "exception"))


def calls_nothing(block: cst.BaseSuite, local: "set[str]" = frozenset(),
                  imports: Optional[ImportTable] = None) -> bool:
    """No operation anywhere in the block (nested functions excluded): no `await` or `yield`, and
    no call other than building or editing a collection held in a local name (``local``:
    `found.append(item["name"])`, `params.pop("page", None)`) or a computation on plain data (a
    builtin conversion such as `int(x)` or `len(x)`, a standard-library parser such as
    `json.loads(text)` or `dt.datetime(y, m, d)`, with ``imports`` to tell what they are; a
    string method such as `text.split("/")` or `page.index(marker)`, a match's `m.group(1)`).
    It only assigns,
    compares, converts, looks things up and returns what it found, so what can fail is the shape
    of the data (a missing key, a wrong type, a marker not found), never an operation whose
    failure could be lost (`v.__warningregistry__ = None`, `return self.inodes[dev][inode]`, a
    parse that skips a bad item)."""
    for node in walk(block):
        if isinstance(node, (cst.Await, cst.Yield)):
            return False
        if isinstance(node, cst.Call) and not _edits_local(node, local) and not _on_plain_data(node, imports):
            return False
    return True


def _edits_local(call: cst.Call, local: "set[str]") -> bool:
    """`found.append(x)`, `params.pop("page", None)`: a call that builds or edits a collection
    held in a local name (not `self`), with no state-changing verb in it."""
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value in _BUILDS | _EDITS
            and _root(func.value) in local and not _acts(call))


# builtins (and, below, standard-library functions) that only compute on the data they are given
_PURE_FUNCTIONS = frozenset(f"builtins.{name}" for name in (
    "int", "float", "complex", "str", "bytes", "bool", "len", "isinstance", "issubclass", "tuple", "list",
    "dict", "set", "frozenset", "sorted", "reversed", "min", "max", "abs", "round", "divmod", "ord", "chr",
    "hex", "oct", "bin", "repr", "hash", "range", "enumerate", "zip", "sum", "any", "all", "hasattr")) | {
    # standard-library functions and constructors that only parse or convert the data they are given
    "json.loads", "re.match", "re.search", "re.fullmatch", "re.findall", "re.finditer", "re.sub",
    "re.split", "re.compile", "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
    "datetime.datetime.strptime", "datetime.datetime.fromisoformat", "datetime.date.fromisoformat",
    "base64.b64decode", "base64.b64encode", "base64.urlsafe_b64decode", "base64.urlsafe_b64encode",
    "binascii.hexlify", "binascii.unhexlify", "struct.pack", "struct.unpack", "urllib.parse.urlparse",
    "urllib.parse.urlsplit", "urllib.parse.parse_qs", "urllib.parse.parse_qsl", "urllib.parse.unquote",
    "urllib.parse.quote", "urllib.parse.urljoin", "ipaddress.ip_address", "ipaddress.ip_network",
    "uuid.UUID", "decimal.Decimal", "fractions.Fraction", "shlex.split", "shlex.quote",
    "struct.unpack_from", "struct.iter_unpack", "struct.calcsize", "urllib.parse.urlunparse",
    "urllib.parse.urlunsplit", "urllib.parse.urlencode", "urllib.parse.unquote_plus",
    "urllib.parse.quote_plus", "urllib.parse.urldefrag", "html.escape", "html.unescape", "ast.literal_eval",
    "email.utils.parseaddr", "email.utils.parsedate_to_datetime", "email.utils.parsedate_tz",
    "time.strptime", "calendar.timegm", "datetime.datetime.fromtimestamp",
    # reads source lines for tracebacks, and never raises: a missing file gives no lines
    "linecache.getline", "linecache.getlines"}
# string methods: no other common type has a method of these names that does I/O (`join`, which
# a thread has too, counts only with its one argument; `replace`, which `Path` has, not at all)
_STRING_METHODS = frozenset({
    "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title",
    "capitalize", "startswith", "endswith", "index", "rindex", "find", "rfind", "partition", "rpartition",
    "removeprefix", "removesuffix", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace",
    "zfill", "ljust", "rjust", "center", "expandtabs", "format", "join", "encode", "decode",
    # a regular expression's match, a date's formatting
    "group", "groups", "groupdict", "strftime", "isoformat"})


def _on_plain_data(call: cst.Call, imports: Optional[ImportTable]) -> bool:
    """`int(x)`, `len(items)`, `text.split("/")`, `", ".join(parts)`: a computation on plain data,
    whose only failure is the data's shape."""
    from .queries import queries_environment

    func = call.func
    if imports is not None and imports.resolve(func) in _PURE_FUNCTIONS:
        return True
    if queries_environment(call, imports):
        return True  # `socket.gethostname()`, `sock.setsockopt(...)`: a failure means "not available"
    if not isinstance(func, cst.Attribute) or func.attr.value not in _STRING_METHODS:
        return False
    if func.attr.value == "join":
        return len(call.args) == 1 and not call.args[0].keyword and not call.args[0].star
    return True


def only_logs(block: cst.BaseSuite, imports: Optional[ImportTable] = None) -> bool:
    """The block only writes log lines (`logger.log(level, message)`, Twisted's `log.msg(...)`),
    also under an `if` that only decides whether to log (`if self.debug: log.msg(...)`): a
    failure of logging has nowhere left to be reported."""
    statements = body_statements(block)
    return bool(statements) and all(_only_logs_statement(s, imports) for s in statements)


def _only_logs_statement(stmt: cst.CSTNode, imports: Optional[ImportTable]) -> bool:
    if isinstance(stmt, cst.Expr):
        return isinstance(stmt.value, cst.Call) and _logs(stmt.value, imports)
    if isinstance(stmt, cst.If):
        if any(isinstance(node, cst.Call) for node in walk(stmt.test)):
            return False  # the test itself may be the operation (`if self.flush():`)
        orelse = stmt.orelse
        return only_logs(stmt.body, imports) and (
            orelse is None or (_only_logs_statement(orelse, imports) if isinstance(orelse, cst.If)
                               else only_logs(orelse.body, imports)))
    return False


# Twisted's logging functions, called as `log.msg(...)` / `log.err(...)`
_TWISTED_LOG = frozenset({"twisted.python.log.msg", "twisted.python.log.err"})


def _logs(call: cst.Call, imports: Optional[ImportTable] = None) -> bool:
    """`logger.debug(...)`, `log.info(...)`: a log line, which a failure of it would only lose."""
    from .cleanup import called_name

    # a log call says something (`fut.exception()`, with no argument, reads a future instead)
    if not call.args:
        return False
    if imports is not None and imports.resolve(call.func) in _TWISTED_LOG:
        return True
    return called_name(call) in ("debug", "info", "warning", "warn", "error", "exception", "log", "critical")


def configures_optional_import(block: cst.BaseSuite) -> bool:
    """An optional dependency: the block starts by importing something and then only calls
    things on what it imported (`from urllib3.exceptions import InsecureRequestWarning` then
    `warnings.simplefilter("ignore", category=InsecureRequestWarning)`), or on what it made
    from it (`u = detector.UniversalDetector()`, `u.feed(s)`), and may end by returning what
    that computed (`return u.result["encoding"]`); what fails there is the import, and without
    it there is nothing to configure or compute."""
    from .names import dotted_name, names_in

    statements = body_statements(block)
    if len(statements) < 2 or not isinstance(statements[0], (cst.Import, cst.ImportFrom)):
        return False
    imported = set()
    for stmt in statements:
        if isinstance(stmt, (cst.Import, cst.ImportFrom)):
            if isinstance(stmt.names, cst.ImportStar):
                return False
            for alias in stmt.names:
                bound = alias.asname.name if alias.asname is not None else alias.name
                imported.add((dotted_name(bound) or "").split(".")[0])
            continue
        if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0].target, cst.Name) \
                and not _acts(stmt.value) and names_in(stmt.value) & imported:
            # `u = chardet.UniversalDetector()`: what the optional dependency made is its too
            imported.add(stmt.targets[0].target.value)
            continue
        if isinstance(stmt, cst.Return) and stmt.value is not None and statements[-1] is stmt \
                and not _acts(stmt.value) and names_in(stmt.value) & imported:
            continue  # `return u.result["encoding"]`: what it computed
        if not (isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call)) or _acts(stmt.value) \
                or not names_in(stmt.value) & imported:
            return False
    return True


def _returns_value_after(try_node: cst.CSTNode, holder: cst.CSTNode) -> bool:
    """The statement after ``try_node`` in ``holder`` (the block or module holding it) is
    `return <value>`."""
    body = list(getattr(holder, "body", ()))
    for index, stmt in enumerate(body):
        if stmt is try_node:
            following = body[index + 1] if index + 1 < len(body) else None
            if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.Return):
                value = following.body[0].value
                return value is not None and not (isinstance(value, cst.Name) and value.value == "None")
            return False
    return False


# collection methods that build a local result (`found.append(x)`): computing, not acting
_BUILDS = frozenset({"append", "extend", "add", "insert", "update", "setdefault", "appendleft"})
# methods that edit a local collection in place (`params.pop("page", None)`, `found.clear()`): computing too
_EDITS = frozenset({"pop", "popitem", "popleft", "discard", "clear", "sort", "reverse"})
# verbs that change state somewhere else: a call of one is an operation even when its result is kept
_ACTS = frozenset({"post", "put", "patch", "delete", "send", "sendall", "write", "save", "commit", "publish",
                   "insert", "upload", "remove", "unlink", "rename", "kill", "terminate", "acknowledge", "ack"})


# the state-changing verbs that undo or discard (a cleanup's business), and those that keep or
# pass on a result
_DISCARDS = frozenset({"delete", "remove", "unlink", "kill", "terminate"})
_KEEPS = _ACTS - _DISCARDS


def _list_insert(call: cst.Call) -> bool:
    """`items.insert(0, entry)`: a list insertion at a literal position, not a database insert."""
    func = call.func
    return (isinstance(func, cst.Attribute) and func.attr.value == "insert" and len(call.args) == 2
            and all(not a.keyword and not a.star for a in call.args) and isinstance(call.args[0].value, cst.Integer))


def _acts(expr: cst.BaseExpression, verbs: "frozenset[str]" = _ACTS) -> bool:
    """The expression calls a state-changing verb somewhere (`client.post(...)`, `await f.write(b)`,
    `s3.upload_file(path)`, `send_message(chat, text)`: the verb as the name or one of its words)."""
    from .blocks import walk
    from .cleanup import name_words

    for node in walk(expr):
        if isinstance(node, cst.Call):
            func = node.func
            word = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", None)
            if not isinstance(word, str) or _list_insert(node):
                continue
            if word in verbs or any(part in verbs for part in name_words(word)):
                return True
    return False


def cleanup_in_finally(block: cst.CSTNode, stack) -> bool:
    """``block`` (a `try` body, a `with suppress(...)` body) sits in the `finally:` clause of a
    `try` of the same function and keeps or passes on nothing (no `save`, `commit`, `write`,
    `send`, `publish`, ... : :data:`_KEEPS`). Such a clause runs on the way out whatever
    happened, and an error raised there would replace the one the `try` may be propagating;
    swallowing it keeps that error (`finally: with suppress(Exception): await
    self.remove_callback(cid)`). ``stack`` holds the block's ancestors."""
    for node in reversed(stack):
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        if isinstance(node, cst.Finally):
            return not _acts(block, _KEEPS)
    return False


def _releases(expr: cst.BaseExpression) -> bool:
    """`os.close(fd)`, `handle.close()`: releasing what a computation opened is part of it."""
    from .cleanup import called_name

    return called_name(expr) in ("close", "aclose", "release", "shutdown", "disconnect")


def _root(expr: cst.BaseExpression) -> Optional[str]:
    while isinstance(expr, (cst.Attribute, cst.Subscript)):
        expr = expr.value
    return expr.value if isinstance(expr, cst.Name) else None


def _local_target(target: cst.BaseExpression, local: "set[str]") -> bool:
    """`x`, `a, b`, or `d[key]` / `obj.attr` on an object held in a local name (not `self`):
    an assignment that only fills in a local result."""
    if isinstance(target, cst.Name):
        return True
    if isinstance(target, (cst.Tuple, cst.List)):
        return all(_local_target(e.value, local) for e in target.elements)
    if isinstance(target, (cst.Subscript, cst.Attribute)):
        return _root(target) in local
    return False


def function_locals(function: Optional[cst.CSTNode]) -> "set[str]":
    """The names a function binds itself (parameters other than `self`/`cls`, assignments, loop
    and `with` targets), nested functions excluded; for a module, the names it binds outside
    its functions and classes."""
    from .blocks import statements

    if isinstance(function, cst.Module):
        # a module's own names are its locals: `__all__.append("UnixSocketSession")` at import time
        # edits the module's export list, not shared state
        return {name for stmt in statements(function.body) for name in _bound_by(stmt, bare_annotations=True)}
    if not isinstance(function, cst.FunctionDef):
        return set()
    params = function.params
    names = {p.name.value for p in [*params.posonly_params, *params.params, *params.kwonly_params]}
    for stmt in statements(function.body):
        names.update(_bound_by(stmt, bare_annotations=True))
    return names - {"self", "cls"}


def _bound_by(stmt: cst.CSTNode, *, bare_annotations: bool) -> Iterator[str]:
    """The names a statement binds: its assignments' targets, a `for` target, `with ... as`
    names; an annotation without a value (`x: int`) only with ``bare_annotations``."""
    from .names import assignment_targets, target_names

    if isinstance(stmt, cst.SimpleStatementLine):
        for small in stmt.body:
            if bare_annotations or not (isinstance(small, cst.AnnAssign) and small.value is None):
                for target in assignment_targets(small):
                    yield from target_names(target)
    elif isinstance(stmt, cst.For):
        yield from target_names(stmt.target)
    elif isinstance(stmt, cst.With):
        for item in stmt.items:
            if item.asname is not None:
                yield from target_names(item.asname.name)


def _has_call(expr: cst.BaseExpression) -> bool:
    return any(isinstance(node, (cst.Call, cst.Await)) for node in walk(expr))


def computes(block: cst.BaseSuite, local: "set[str]" = frozenset(), checks: bool = False,
             picks: bool = False) -> bool:
    """The block only computes values: assignments to local names (or keys of a local dict),
    `return`s, local collections built with `append`/`add`/..., and `if`/`for`/`while`/`with`
    blocks made of the same; no call run for its effect, no change to an attribute or a
    global, no state-changing verb (`post`, `write`, `send`, `save`, ...). Its failure leaves
    the values as they were, which is a fallback rather than a lost operation."""
    for stmt in body_statements(block):
        if isinstance(stmt, (cst.Pass, cst.Continue, cst.Break)):
            continue
        if isinstance(stmt, cst.Assert) and not _acts(stmt.test):
            continue  # a check, like an `if` that raises
        if isinstance(stmt, cst.Return):
            if stmt.value is not None and _acts(stmt.value):
                return False
            continue
        if isinstance(stmt, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in stmt.targets] if isinstance(stmt, cst.Assign) else [stmt.target]
            if not all(_local_target(t, local) for t in targets) \
                    and not (picks and stmt.value is not None and not _has_call(stmt.value)):
                # with ``picks``, keeping what a search found (`self._api = server`) is part of it
                return False
            if stmt.value is not None and _acts(stmt.value):
                return False
            continue
        if isinstance(stmt, cst.Expr):
            value = stmt.value
            if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
                continue
            if isinstance(value, cst.Call) and _edits_local(value, local):
                continue
            if checks and isinstance(value, (cst.Call, cst.Await)) and not _acts(value):
                continue  # a check run for the exception it may raise (`af_for_address(host)`)
            if _releases(value):
                continue  # giving back what the computation opened (`os.close(fd)`)
            return False
        if isinstance(stmt, (cst.Import, cst.ImportFrom)):
            continue  # binds a name (`from pkg import helper`)
        if isinstance(stmt, cst.Del) and _local_target(stmt.target, local):
            continue  # `del data["_"]` on a local object
        if isinstance(stmt, (cst.If, cst.For, cst.While, cst.With, cst.Try)):
            if isinstance(stmt, cst.If) and _acts(stmt.test):
                return False
            if not all(computes(child, local, checks, picks) for child in child_blocks(stmt)):
                return False
            continue
        return False
    return True


def _leaves_loop(block: cst.BaseSuite) -> bool:
    """A `return` (with or without a value), or a `break` or `continue` of the loop around the
    block, somewhere in it: the success path of a search that stops at the first candidate that
    works, or of a check that decides to skip the item (`if installed == wanted: continue`)."""
    for stmt in block.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            if any(isinstance(small, (cst.Return, cst.Break, cst.Continue)) for small in stmt.body):
                return True
            continue
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            continue
        if isinstance(stmt, (cst.For, cst.While)):
            # a `break` or `continue` in a nested loop stays in that loop
            if any(isinstance(small, cst.Return) for small in small_statements(stmt.body)):
                return True
            continue
        if any(_leaves_loop(child) for child in child_blocks(stmt)):
            return True
    return False


_CONSTANTS = ("SimpleString", "ConcatenatedString", "Integer", "Float")


def over_candidates(stack) -> bool:
    """The innermost loop of the function iterates over a literal of constants (`for path in
    "/var/run/utmp", "/run/utmp":`): a search through fixed candidates, not a pass over data, so a
    candidate that fails loses nothing."""
    for node in reversed(stack):
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            return False
        if isinstance(node, cst.While):
            return False
        if isinstance(node, cst.For):
            it = node.iter
            return isinstance(it, (cst.Tuple, cst.List, cst.Set)) and bool(it.elements) and all(
                isinstance(e.value, kinds(*_CONSTANTS)) for e in it.elements)
    return False


def is_procedure(function: Optional[cst.CSTNode]) -> bool:
    """A `def` that returns no value anywhere (only bare `return` / `return None`) and is no
    generator: its callers do not read a result, so a `return` in it only skips what is left."""
    if not isinstance(function, cst.FunctionDef):
        return False
    for node in small_statements(function.body):
        if isinstance(node, cst.Return) and node.value is not None \
                and not (isinstance(node.value, cst.Name) and node.value.value == "None"):
            return False
    return not any(isinstance(node, (cst.Yield,)) for node in walk(function.body))


def _returns_value(block: cst.BaseSuite) -> bool:
    """A `return <value>` somewhere in the block (nested functions excluded)."""
    return any(isinstance(stmt, cst.Return) and stmt.value is not None for stmt in small_statements(block))


def _assigned_names(block: cst.BaseSuite) -> set:
    from .names import assignment_targets, target_names

    return {name for stmt in small_statements(block) for target in assignment_targets(stmt)
            for name in target_names(target)}


def _parameters(function: cst.CSTNode) -> Iterator[str]:
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        yield param.name.value


def _preset(names: set, function: Optional[cst.CSTNode], node: cst.CSTNode) -> bool:
    """Every one of ``names`` is bound in ``function`` before ``node`` (source order): the
    default the fallback keeps. Loop targets and `with ... as` names count."""
    from .blocks import statements

    if function is None or not names:
        return False
    bound: set = set(_parameters(function))
    for stmt in statements(function.body):
        if stmt is node:
            return names <= bound
        bound.update(_bound_by(stmt, bare_annotations=False))
    return False


def _read_outside(function: Optional[cst.CSTNode], node: cst.CSTNode) -> "set[str]":
    """Names the function mentions outside ``node`` (nested functions excluded)."""
    from ..walker import child_nodes
    from .blocks import SCOPES

    if function is None:
        return set()
    scopes = kinds(*SCOPES)
    out: set = set()
    stack = [function.body]
    while stack:
        current = stack.pop()
        if current is node:
            continue
        if isinstance(current, cst.Name):
            out.add(current.value)
        stack.extend(child for child in child_nodes(current) if not isinstance(child, scopes))
    return out


def _has_following(node: cst.CSTNode, holder: cst.CSTNode, stack=()) -> bool:
    """Some statement runs after ``node`` in its function: one follows it in ``holder``, or (with
    the ancestor ``stack``) one follows an enclosing statement in its block."""
    body = list(getattr(holder, "body", ()))
    if node in body and body.index(node) < len(body) - 1:
        return True
    current = node
    for ancestor in reversed(stack):
        if isinstance(ancestor, (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)):
            return False
        inner = list(getattr(ancestor, "body", ())) if isinstance(ancestor, cst.IndentedBlock) else None
        if inner is not None and current in inner and inner.index(current) < len(inner) - 1:
            return True
        if isinstance(ancestor, cst.BaseCompoundStatement):
            current = ancestor
    return False


def _sets_keys_only(block: cst.BaseSuite, local: "set[str]", constant: "frozenset[str]" = frozenset(),
                    literal: bool = False) -> bool:
    """The block's only lasting effect is setting keys of a local dict (`info["who"] = whoami()`):
    when it fails, the key is left unset, which is how an optional key reads. (Items appended to
    a list in a loop are not the same: the one that failed silently disappears.) With
    ``literal``, only literal keys of ``constant`` (the names the function binds itself,
    parameters excluded) count (`record["out"] = load(fp)`): an optional field of a record the
    function built, not an entry per item of a loop (`sizes[path] = ...`) nor the caller's dict."""
    found = False
    for stmt in small_statements(block):
        if isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Call) \
                and isinstance(stmt.value.func, cst.Attribute) and stmt.value.func.attr.value in _BUILDS:
            if literal or stmt.value.func.attr.value != "update" or _root(stmt.value.func.value) not in local:
                return False
            found = True  # `info.update(parse(extra))`: optional keys of a local dict, set at once
            continue
        if isinstance(stmt, cst.Assign) and any(isinstance(t.target, cst.Subscript) for t in stmt.targets):
            # `data["lang"] = lang = ...`: a local name bound beside the key changes nothing else
            keys = [t.target for t in stmt.targets if not isinstance(t.target, cst.Name)]
            if not all(isinstance(t, cst.Subscript) and _root(t) in local for t in keys):
                return False
            if literal and not all(_literal_key(t) and _root(t) in constant for t in keys):
                return False
            found = True
    return found


def _literal_key(target: cst.Subscript) -> bool:
    elements = target.slice
    return len(elements) == 1 and isinstance(elements[0].slice, cst.Index) \
        and isinstance(elements[0].slice.value, kinds(*_CONSTANTS))


def _deletes_only(block: cst.BaseSuite, local: "set[str]") -> bool:
    """The block only deletes local names or keys of local objects (`del data["_"]`)."""
    statements = body_statements(block)
    return bool(statements) and all(
        isinstance(stmt, cst.Del) and _local_target(stmt.target, local) for stmt in statements)


def raises_after(node: cst.CSTNode, holder: cst.CSTNode, loop_exits: bool = False) -> bool:
    """A `raise` follows ``node`` in ``holder`` with no `return` before it (with ``loop_exits``,
    no `break` or `continue` either, which would leave a loop around ``holder`` first): the
    function fails anyway, and what the `try` did was a best-effort step on the way
    (`conn.close_connection()` then `raise ProtocolError(...)`)."""
    body = list(getattr(holder, "body", ()))
    if node not in body:
        return False
    stops = (cst.Return, cst.Break, cst.Continue) if loop_exits else (cst.Return,)
    for stmt in body[body.index(node) + 1:]:
        for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
            if isinstance(small, cst.Raise):
                return True
            if isinstance(small, stops):
                return False
    return False


def keeps_default(body: cst.BaseSuite, node: cst.CSTNode, holder: cst.CSTNode,
                  function: Optional[cst.CSTNode], in_loop: bool, stack=()) -> bool:
    """A failure in ``body`` (a `try` body or a `with suppress(...)` body, ``node`` its statement,
    ``holder`` the block holding it) leaves a default in place: ``body`` only computes, and
    - it is followed by `return <value>` (`return False` after the try);
    - or it returns on success, in its body or its `else` (a probe), and code runs after it, or
      the loop goes on to the next candidate: what follows is the fallback (`try: return
      parse(x)` ... `return []`); calls made only for the exception they may raise
      (`af_for_address(host)`, `pickle.dumps(exc)`) may be part of such a probe;
    - or every name it assigns had a value before it (`name = None` then an `if`/`elif` that
      computes it, or `local = set()` then `local = await store.ls()`);
    - or, outside a loop, it only sets keys of a local dict (`info["who"] = whoami()`): a failure
      leaves an optional key unset;
    - or it ends by assigning a local name, as a capability probe does (`value = compute()`)."""
    local = function_locals(function)
    orelse = getattr(getattr(node, "orelse", None), "body", None)
    if (_returns_value(body) or (orelse is not None and _returns_value(orelse))) \
            and (_has_following(node, holder, stack) or in_loop) and computes(body, local, checks=True):
        # a probe: the success path returns, what follows is the fallback; calls made only to
        # see whether they raise (`pickle.dumps(exc)`, `af_for_address(host)`) are part of it
        return True
    if orelse is not None and (not in_loop or over_candidates(stack)) and computes(body, local, checks=True):
        # `try: ... except Exception: pass else: use(result)`: the `else` is the success path, a
        # failure skips it and keeps what was there (a version probe, a capability check); in a
        # loop over items, the item that failed would be dropped instead
        return True
    if in_loop and (_leaves_loop(body) or (orelse is not None and _leaves_loop(orelse))) \
            and computes(body, local, checks=True, picks=True):
        # a search: the first candidate that works ends the loop (`break`, `return`), a failing one
        # hands over to the next, and what follows the loop is the fallback; keeping what was
        # found (`self._api = server`) is part of the search
        return True
    if not computes(body, local):
        return False
    if _returns_value_after(node, holder):
        return True
    if not in_loop or over_candidates(stack):
        if _sets_keys_only(body, local):
            return True
    elif isinstance(function, cst.FunctionDef) \
            and _sets_keys_only(body, local, constant=frozenset(local - set(_parameters(function))), literal=True):
        return True
    if _deletes_only(body, local):
        return True  # `del data["_"]`: an optional key that was not there
    statements = body_statements(body)
    if len(statements) == 1 and isinstance(statements[0], cst.If) and statements[0].orelse is None:
        # a filter (`if await info.tls_check(): found.extend(info.names)`): a check that raises
        # leaves out what it guards, as a check that fails does
        return True
    statements = body_statements(body)
    assigned = _assigned_names(body) & _read_outside(function, node)  # temporaries do not count
    if assigned and _preset(assigned, function, node):
        return True
    last = statements[-1] if statements else None
    if isinstance(last, cst.Assign):
        return all(isinstance(t.target, cst.Name) for t in last.targets)
    if isinstance(last, (cst.AnnAssign, cst.AugAssign)):
        return isinstance(last.target, cst.Name)
    return False


def falls_back(try_node: cst.CSTNode, handler: Handler, holder: cst.CSTNode,
               function: Optional[cst.CSTNode] = None, in_loop: bool = False, stack=()) -> bool:
    """The handler only passes (or, in a loop, goes on to the next item with `continue`) and the
    `try` leaves a default in place (:func:`keeps_default`). ``holder`` is the block (or module)
    that holds ``try_node``, ``function`` the function around it."""
    handler_statements = body_statements(handler.body)
    passes = all(isinstance(s, (cst.Pass, cst.Expr)) for s in handler_statements)
    skips = in_loop and all(isinstance(s, (cst.Pass, cst.Expr, cst.Continue)) for s in handler_statements)
    if in_loop and any(isinstance(s, cst.Break) for s in handler_statements) \
            and all(isinstance(s, (cst.Pass, cst.Expr, cst.Break)) for s in handler_statements):
        # a computation that stops the loop at the first item that fails: what was computed
        # before it is the result (`int_parts.append(int(part))` then `break`); a `try` that
        # awaits is waiting on I/O (`p = await ws.receive()`), whose failure ending the loop is lost
        return not suspends(try_node.body) and computes(try_node.body, function_locals(function))
    if not (passes or skips) and drops_error(handler.body) and _returns_none_next(try_node, holder) \
            and all(isinstance(s, (cst.Pass, cst.Expr, cst.Return)) for s in handler_statements):
        # `except Exception: return None` right before `return None`: the same as `pass`
        return keeps_default(try_node.body, try_node, holder, function, in_loop, stack)
    if not (passes or skips):
        # `return` in a function that returns nothing skips the rest of it: after a computation
        # that failed (`modified = os.stat(path).st_mtime`), there is nothing to do
        return (is_procedure(function) and drops_error(handler.body)
                and any(isinstance(s, cst.Return) for s in handler_statements)
                and not suspends(try_node.body) and computes(try_node.body, function_locals(function)))
    return keeps_default(try_node.body, try_node, holder, function, in_loop, stack)


def records_success(try_node: cst.CSTNode, handler: Handler, function: Optional[cst.CSTNode], stack=()) -> bool:
    """The success flag idiom: the handler only passes, the `try` sets a local name to a constant
    once its operations are done (`can = 1` after `os.chdir(path)`; only assignments that call
    nothing may follow), that name had a value before the `try` (`can = 0`), in the same pass of
    the innermost loop around the `try` if there is one, and is read after it (`if can: ...`,
    `return can`). The failure is not lost: the flag says what happened, and the code that
    reads it handles the failure. (A flag set before a loop and raised by any pass,
    `delivered = True`, would hide the passes that failed.) ``stack`` holds the ancestors."""
    from .blocks import statements as all_statements

    loop = next((n for n in reversed(stack) if isinstance(n, (cst.For, cst.While, cst.FunctionDef, cst.Lambda))), None)
    if isinstance(loop, (cst.For, cst.While)):
        bound = set()
        for stmt in all_statements(loop.body):
            if stmt is try_node:
                break
            bound.update(_bound_by(stmt, bare_annotations=False))
    else:
        bound = None
    if not isinstance(function, cst.FunctionDef) \
            or not all(isinstance(s, cst.Pass) for s in body_statements(handler.body)):
        return False
    statements = body_statements(try_node.body)
    for index, stmt in enumerate(statements):
        if not (isinstance(stmt, cst.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0].target, cst.Name) and _constant(stmt.value)):
            continue
        if index == 0 or any(not isinstance(later, cst.Assign) or _has_call(later)
                             for later in statements[index + 1:]):
            continue
        flag = stmt.targets[0].target.value
        if bound is not None and flag not in bound:
            continue
        if _preset({flag}, function, try_node) and flag in _loaded_after(function, try_node):
            return True
    return False


def _constant(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, kinds(*_CONSTANTS)) or (isinstance(expr, cst.Name) and expr.value in ("True", "False"))


def _loaded_after(function: cst.CSTNode, node: cst.CSTNode) -> "set[str]":
    """Names read (not only assigned) in ``function`` outside ``node`` and after its start:
    what the code around a `try` looks at once it is done (nested functions excluded)."""
    from ..walker import child_nodes
    from .blocks import SCOPES
    from .names import assignment_targets

    scopes = kinds(*SCOPES)
    out: set = set()
    seen_node = False
    stack = [function.body]
    order = []
    while stack:  # source order, depth first
        current = stack.pop()
        order.append(current)
        if current is node:
            continue
        stack.extend(reversed([c for c in child_nodes(current) if not isinstance(c, scopes)]))
    skipped: set = set()
    for current in order:
        if current is node:
            seen_node = True
            continue
        if isinstance(current, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            for target in assignment_targets(current):
                if isinstance(target, cst.Name):
                    skipped.add(id(target))
        if seen_node and isinstance(current, cst.Name) and id(current) not in skipped:
            out.add(current.value)
    return out


def _returns_none_next(try_node: cst.CSTNode, holder: cst.CSTNode) -> bool:
    """The statement after ``try_node`` in ``holder`` is `return` or `return None`."""
    body = list(getattr(holder, "body", ()))
    if try_node not in body or body.index(try_node) + 1 >= len(body):
        return False
    following = body[body.index(try_node) + 1]
    if not isinstance(following, cst.SimpleStatementLine) or not isinstance(following.body[0], cst.Return):
        return False
    value = following.body[0].value
    return value is None or (isinstance(value, cst.Name) and value.value == "None")


def _bound(handler: Handler) -> Optional[str]:
    if handler.name is None or not isinstance(handler.name.name, cst.Name):
        return None
    return handler.name.name.value


def _handing_on_calls(handler: Handler, methods: "frozenset[str]") -> Iterator[cst.Call]:
    """Calls `x.<method>(...)` in the handler whose arguments hold the bound error anywhere
    (`fut.set_exception(e)`, `queue.put((ERROR, e))`), and calls that hand such a method and the
    error on together to call it later (`partial(fut.set_exception, e)`,
    `loop.call_soon_threadsafe(fut.set_exception, e)`), nested functions excluded."""
    from .blocks import walk

    bound = _bound(handler)
    if bound is None:
        return
    for node in walk(handler.body):
        if not isinstance(node, cst.Call):
            continue
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in methods:
            if any(bound in _names_read(arg.value) for arg in node.args):
                yield node
            continue
        handed = [arg for arg in node.args
                  if isinstance(arg.value, cst.Attribute) and arg.value.attr.value in methods]
        if handed and any(bound in _names_read(arg.value) for arg in node.args if arg not in handed):
            yield node


def _names_read(expr: cst.BaseExpression) -> set:
    from .names import names_in

    return names_in(expr)


def hands_error_on(handler: Handler) -> bool:
    """The handler hands the exception it bound to someone who will raise it later:
    `future.set_exception(e)`, `future.failure(e)`, `errors.append(e)`, `queue.put((ERROR, e))`
    somewhere in its body."""
    return next(_handing_on_calls(handler, _HANDING_ON), None) is not None


def stops_loop(handler: Handler, stack) -> bool:
    """The handler ends the loop it sits in: a `break` or `return` among its own statements, a
    `break` right after its `try`, or `running = False` on a name the enclosing `while` tests."""
    from .names import names_in

    own = body_statements(handler.body)
    if any(isinstance(stmt, (cst.Break, cst.Return)) for stmt in own):
        return True
    try_index = next((i for i in range(len(stack) - 1, -1, -1) if isinstance(stack[i], (cst.Try, cst.TryStar))), None)
    if try_index is not None and try_index >= 1:
        siblings = list(getattr(stack[try_index - 1], "body", ()))
        node = stack[try_index]
        if node in siblings and siblings.index(node) + 1 < len(siblings):
            following = siblings[siblings.index(node) + 1]
            if isinstance(following, cst.SimpleStatementLine) and isinstance(following.body[0], cst.Break):
                return True
    cleared = {t.target.value for stmt in own if isinstance(stmt, cst.Assign)
               and isinstance(stmt.value, cst.Name) and stmt.value.value == "False"
               for t in stmt.targets if isinstance(t.target, cst.Name)}
    for node in reversed(stack):
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            break
        if isinstance(node, cst.While) and cleared & names_in(node.test):
            return True
    return False


def collected_then_raised(handler: Handler, stack) -> bool:
    """The loop-then-raise idiom: inside a loop over steps, the handler keeps the error in a
    collection (`failures.append(exc)`) and, after the loop, the function raises when the
    collection holds anything (`if failures: raise failures[0]`, `raise ExceptionGroup(.., failures)`).
    ``stack`` is the ancestor stack of the handler."""
    from .blocks import small_statements
    from .names import dotted_name, names_in

    kept = {dotted_name(call.func.value) for call in _handing_on_calls(handler, _COLLECTING)}
    kept = {k.rsplit(".", 1)[-1] for k in kept if k}
    if not kept:
        return False
    loop_index = None
    for index in range(len(stack) - 1, -1, -1):
        node = stack[index]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            break
        if isinstance(node, (cst.For, cst.While)):
            loop_index = index  # the outermost loop of the function
    if loop_index is None or loop_index == 0:
        return False
    loop, holder = stack[loop_index], stack[loop_index - 1]
    siblings = list(getattr(holder, "body", ()))
    if loop not in siblings:
        return False
    after = siblings[siblings.index(loop) + 1:]
    for stmt in small_statements(after):
        if isinstance(stmt, cst.If) and names_in(stmt.test) & kept:
            if any(isinstance(inner, cst.Raise) for inner in small_statements(stmt.body)):
                return True
        if isinstance(stmt, cst.Raise) and stmt.exc is not None and names_in(stmt.exc) & kept:
            return True
    return False


def _always_raises(block: cst.BaseSuite) -> bool:
    """Every path through the block ends in `raise`: its last statement is a `raise`, or an
    `if`/`elif`/`else` (with an `else`) whose branches all do."""
    statements = body_statements(block)
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.Raise):
        return True
    if isinstance(last, cst.If):
        node = last
        while True:
            if not _always_raises(node.body):
                return False
            if isinstance(node.orelse, cst.If):
                node = node.orelse
                continue
            return isinstance(node.orelse, cst.Else) and _always_raises(node.orelse.body)
    if isinstance(last, cst.With):
        return _always_raises(last.body)
    return False


def never_returns(func: cst.FunctionDef, imports: ImportTable) -> bool:
    """The function never returns normally: annotated `-> NoReturn` / `-> Never`, or every path
    through its body raises."""
    from .names import dotted_name

    if func.returns is not None:
        annotation = func.returns.annotation
        written = dotted_name(annotation) or ""
        if written.rsplit(".", 1)[-1] in _NO_RETURN:
            return True
        if isinstance(annotation, cst.SimpleString) and annotation.value.strip("'\"").rsplit(".", 1)[-1] in _NO_RETURN:
            return True
    return _always_raises(func.body)


def ends_in_raising_call(handler: Handler, module: cst.Module, imports: ImportTable, functions) -> bool:
    """The handler's last statement calls a function of this module that never returns
    (`self._convert_error(exc)` whose every path raises, `fail(msg)` annotated `-> NoReturn`):
    the handler re-raises through it. ``functions`` maps a name to the module's defs of it."""
    statements = body_statements(handler.body)
    if not statements or not isinstance(statements[-1], cst.Expr):
        return False
    call = statements[-1].value
    if isinstance(call, cst.Await):
        call = call.expression
    if not isinstance(call, cst.Call):
        return False
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
        name = func.attr.value
    elif isinstance(func, cst.Name):
        name = func.value
    else:
        return False
    defs = functions.get(name, ())
    return bool(defs) and all(never_returns(d, imports) for d in defs)


def functions_by_name(module: cst.Module) -> dict:
    """Every `def` of the module (methods and nested functions included) by its name."""

    found: dict = {}
    for node in find_all(module, cst.FunctionDef):
        found.setdefault(node.name.value, []).append(node)
    return found


def suspends(block: cst.BaseSuite) -> bool:
    """The block can suspend a coroutine (`await`, `async for`, `async with`), nested functions excluded.

    Only there can a task's own cancellation arrive.
    """
    return any(not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and suspends_in(stmt) for stmt in block.body)


def suspends_in(node: cst.CSTNode) -> bool:
    """``node`` holds an `await`, `async for` or `async with`; nested functions, lambdas and
    classes are not entered."""
    for inner in walk(node):
        if isinstance(inner, cst.Await):
            return True
        if isinstance(inner, (cst.For, cst.With, cst.CompFor)) and inner.asynchronous is not None:
            return True
    return False


# -- a cheap first look, on the stdlib tree: may a file hold a RES302 finding at all? -------------

_BROAD_WORDS = frozenset({"Exception", "BaseException"})


def _ast_drops_error(body) -> bool:
    """:func:`drops_error` on a stdlib handler body."""
    import ast

    for stmt in body:
        if isinstance(stmt, (ast.Pass, ast.Continue, ast.Break)):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and \
                (stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)):
            continue
        if isinstance(stmt, ast.Return) and (stmt.value is None or (isinstance(stmt.value, ast.Name)
                                                                    and stmt.value.id == "None")):
            continue
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
            continue
        return False
    return True


def ast_swallow_candidate(tree) -> bool:
    """A handler that catches everything (`except:`, `Exception`, `BaseException`, by any name
    imported for them) and does nothing with the error, or a call of something named `suppress`
    (or imported as it): a sound over-approximation of what RES302 reports, on the stdlib tree."""
    import ast

    from .reach import nodes as ast_nodes

    nodes = ast_nodes(tree)
    broad = set(_BROAD_WORDS)
    suppress = {"suppress"}
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname and alias.name in _BROAD_WORDS:
                    broad.add(alias.asname)
                elif alias.asname and alias.name == "suppress":
                    suppress.add(alias.asname)

    def names_broad(expr) -> bool:
        if isinstance(expr, ast.Tuple):
            return any(names_broad(e) for e in expr.elts)
        if isinstance(expr, ast.Call):
            expr = expr.func
        return (isinstance(expr, ast.Name) and expr.id in broad) or \
            (isinstance(expr, ast.Attribute) and expr.attr in broad)

    for node in nodes:
        if isinstance(node, ast.ExceptHandler):
            if (node.type is None or names_broad(node.type)) and _ast_drops_error(node.body):
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in suppress:
                return True
    return False


def reports_outer_error(body: cst.BaseSuite, stack, imports: ImportTable) -> bool:
    """The `try` (its ``body``, its ancestors ``stack``) sits in an `except` handler of the same
    function and reports the error that handler caught: it prints a traceback (`traceback.*`) or
    uses the error's name. A failure while reporting a failure has nowhere left to go."""
    from .names import names_in

    outer = None
    for node in reversed(stack):
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        if isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
            outer = node
            break
    if outer is None:
        return False
    bound = _bound(outer)
    for node in walk(body):
        if isinstance(node, cst.Call) and (imports.resolve(node.func) or "").startswith("traceback."):
            return True
        if bound is not None and isinstance(node, cst.Name) and node.value == bound:
            return True
    # the outer handler catches everything and records the error itself (`log_info(...)`, `logger.
    # error(...)`): the nested `try` is a best-effort step on a failure path already reported
    broad = outer.type is None or caught(outer, imports).catches_any(BROAD)
    return broad and any(isinstance(node, cst.Call) and _reports(node, imports) for node in walk(outer.body))


_REPORT_WORDS = frozenset({"log", "logger", "exception", "error", "warning", "warn", "critical", "print", "excepthook"})


def _reports(call: cst.Call, imports: ImportTable) -> bool:
    """A call that records an error: logging, printing, `traceback.*`, or a method whose name
    says so (`log_info`, `logger.error`, `report_exception`)."""
    from .cleanup import called_name, name_words

    qualified = imports.resolve(call.func) or ""
    if qualified.startswith(("traceback.", "logging.")) or qualified == "builtins.print":
        return True
    name = called_name(call)
    return bool(name) and bool(set(name_words(name)) & _REPORT_WORDS)


def _callee_text(func: cst.BaseExpression) -> Optional[str]:
    """`self.fs.rm`, or `__salt__["file.remove"]` for a function looked up by name."""
    from .names import dotted_name

    name = dotted_name(func)
    if name is None and isinstance(func, cst.Subscript) and len(func.slice) == 1 \
            and isinstance(func.slice[0].slice, cst.Index) and isinstance(func.slice[0].slice.value, cst.SimpleString):
        owner = dotted_name(func.value)
        return f"{owner}[{func.slice[0].slice.value.value}]" if owner else None
    return name


def lost_operations(body: cst.BaseSuite, imports: Optional[ImportTable] = None, limit: int = 2) -> Tuple[str, ...]:
    """What a swallowed failure may come from, for messages, as written (`self.fs.rm()`): the
    calls of ``body`` that act (a state-changing verb) or run for their effect, at most ``limit``
    of them; else its first other call (builtins such as `int()` and local collection building
    such as `found.append()` last); nested functions and process exits (`sys.exit()`, which
    raises SystemExit) excluded."""
    from .names import dotted_name

    effect_calls = set()
    for stmt in small_statements(body):
        value = stmt.value if isinstance(stmt, cst.Expr) else None
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call):
            effect_calls.add(id(value))
    acting, effects, others, last = [], [], [], []
    for node in walk(body):
        if not isinstance(node, cst.Call):
            continue
        name = _callee_text(node.func)
        if name is None:
            continue
        text = f"{name}()"
        if text in acting or text in effects:
            continue
        resolved = (imports.resolve(node.func) or "") if imports is not None else ""
        if resolved in PROCESS_EXITS or resolved in ("builtins.exit", "builtins.quit"):
            continue  # it raises SystemExit: an exit, not a failure a handler swallows
        word = node.func.attr.value if isinstance(node.func, cst.Attribute) else name
        builtin = resolved.startswith("builtins.")
        if word in _ACTS:
            acting.append(text)
        elif word in _BUILDS or builtin:
            last.append(text)
        elif id(node) in effect_calls:
            effects.append(text)
        else:
            others.append(text)
    others = [t for t in others if t not in acting and t not in effects]
    last = [t for t in last if t not in acting and t not in effects and t not in others]
    chosen = list(dict.fromkeys(acting + effects))[:limit]
    return tuple(chosen) if chosen else tuple(list(dict.fromkeys(others + last))[:1])


# calls that give the handler the error it is handling
_CURRENT_ERROR = frozenset({"sys.exc_info", "sys.exception"})


def _current_error_call(expr: cst.CSTNode, imports: ImportTable) -> bool:
    """``expr`` calls `sys.exc_info()` / `sys.exception()`: it holds the error being handled."""
    return any(isinstance(node, cst.Call) and imports.resolve(node.func) in _CURRENT_ERROR for node in walk(expr))


def keeps_error_for_raise(handler: Handler, function: Optional[cst.CSTNode], klass: Optional[cst.ClassDef],
                          imports: ImportTable) -> bool:
    """The handler keeps the error it handles on the object, and the object's class raises it
    later: it assigns `sys.exc_info()`, `sys.exception()` or its bound name to `self.<attr>`,
    directly or through a method of the same class that stores its argument there, and a
    `raise` of the class reads `self.<attr>` (`raise self.error[1]`, `raise Failed() from
    self.error[1]`). This is how a thread's target hands its failure to the thread that joins it."""
    from .scopes import receiver_name, stored_attributes, stored_through_method

    if not isinstance(function, cst.FunctionDef) or klass is None:
        return False
    owner = receiver_name(function)
    if owner is None:
        return False
    bound = _bound(handler)
    carriers = {bound} if bound else set()

    def carries(expr: cst.CSTNode) -> bool:
        return _current_error_call(expr, imports)

    stored = stored_attributes(handler.body, owner, carriers, carries)
    for node in walk(handler.body):
        if isinstance(node, cst.Call):
            stored |= stored_through_method(
                node, owner, klass, lambda arg: bool(names_in(arg) & carriers) or carries(arg))
    if not stored:
        return False
    for raise_node in find_all(klass, cst.Raise):
        for part in (raise_node.exc, raise_node.cause.item if raise_node.cause else None):
            if part is None:
                continue
            for node in walk(part):
                if isinstance(node, cst.Attribute) and node.attr.value in stored \
                        and isinstance(node.value, cst.Name) and node.value.value in ("self", owner):
                    return True
    return False


def outer_handler_reraises(stack: Sequence[cst.CSTNode], handler: cst.CSTNode) -> bool:
    """The handler sits in the body of another `except` clause of the same function, and that
    clause goes on to `raise` after the statement holding it, which the handler never leaves by
    `return`: whatever it catches, the function still ends by raising (`except BaseException:
    try: conn.close() except: pass` then `raise`; `while not waiter.done(): try: await
    shield(waiter) except CancelledError: continue` then `raise`). ``stack`` ends with the handler."""
    if any(isinstance(node, cst.Return) for node in walk(handler.body)):
        return False
    for index in range(len(stack) - 2, 0, -1):
        outer = stack[index]
        if isinstance(outer, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            return False
        if isinstance(outer, (cst.ExceptHandler, cst.ExceptStarHandler)) and index + 2 < len(stack):
            # stack[index + 2]: the statement of the outer clause's block that holds the handler
            return raises_after(stack[index + 2], outer.body, loop_exits=True)
    return False
