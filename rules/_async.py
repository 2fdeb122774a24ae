"""What the RES5 rules share: is a call's result dropped, and is its callee a coroutine function."""

from __future__ import annotations

from typing import Iterator, Optional, Sequence, Tuple

import libcst as cst

from reslint.analysis import types as T
from reslint.analysis.names import assignment_targets, dotted_name
from reslint.project import TRANSPARENT_DECORATORS

KNOWN_COROUTINE_FUNCTIONS = frozenset({
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.open_connection", "asyncio.open_unix_connection",
    "asyncio.start_server", "asyncio.start_unix_server", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.to_thread", "trio.sleep", "anyio.sleep",
    "anyio.to_thread.run_sync", "anyio.open_file", "anyio.connect_tcp", "aiofiles.os.remove",
})
_LOOP_COROUTINES = ("sock_recv", "sock_recv_into", "sock_recvfrom", "sock_sendall", "sock_sendto", "sock_connect",
                    "sock_accept", "sock_sendfile", "create_connection", "create_server", "create_unix_connection",
                    "create_unix_server", "create_datagram_endpoint", "getaddrinfo", "getnameinfo",
                    "shutdown_asyncgens", "shutdown_default_executor", "connect_read_pipe", "connect_write_pipe",
                    "subprocess_exec", "subprocess_shell", "sendfile", "start_tls", "connect_accepted_socket")
KNOWN_COROUTINE_METHODS = frozenset(
    [(T.LOOP, m) for m in _LOOP_COROUTINES]
    + [(T.AIOHTTP_SESSION, m) for m in ("get", "post", "put", "patch", "delete", "head", "options", "request",
                                        "ws_connect", "close")]
    + [(T.HTTPX_ASYNC_CLIENT, m) for m in ("get", "post", "put", "patch", "delete", "head", "options", "request",
                                           "send", "aclose")]
    + [(T.ASYNC_QUEUE, m) for m in ("put", "get", "join")]
    + [(T.ASYNC_LOCK, "acquire"), (T.ASYNC_EVENT, "wait"), (T.ASYNC_CONDITION, "wait"),
       (T.ASYNC_CONDITION, "wait_for"), (T.ASYNC_CONDITION, "acquire")]
    + [(T.STREAM_WRITER, m) for m in ("drain", "wait_closed", "start_tls")]
    + [(T.STREAM_READER, m) for m in ("read", "readline", "readexactly", "readuntil")]
)



def dropped(ctx, call: cst.Call) -> Optional[str]:
    """How the call's result is lost: "dropped" (an expression statement), "unused" (bound to a
    local name that nothing reads afterwards), or None when it is used."""
    parent = ctx.parent()
    if isinstance(parent, cst.Expr):
        return "dropped"
    if isinstance(parent, cst.Assign) and parent.value is call and len(parent.targets) == 1:
        target = parent.targets[0].target
        if isinstance(target, cst.Name):
            scope = next((n for n in reversed(ctx.stack[:-1]) if isinstance(n, cst.FunctionDef)), None)
            if scope is None:
                return None  # a module-level name may be imported elsewhere
            if not _read_elsewhere(scope, target.value, target):
                return "unused"
    return None


def _read_elsewhere(scope: cst.FunctionDef, name: str, target: cst.Name) -> bool:
    stack = [scope.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and node.value == name and node is not target:
            return True
        if isinstance(node, cst.Attribute):
            stack.append(node.value)  # `x.attr`: only the receiver can be the name
            continue
        if isinstance(node, cst.Arg):
            stack.append(node.value)
            continue
        stack.extend(node.children)
    return False


def enclosing_class(ctx) -> Tuple[Optional[cst.FunctionDef], Optional[cst.ClassDef]]:
    """The method being visited and its class, when the innermost function is a method."""
    stack = ctx.stack
    for index in range(len(stack) - 2, -1, -1):
        node = stack[index]
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            if isinstance(node, cst.Lambda):
                return None, None
            parent = stack[index - 1] if index >= 1 else None
            if isinstance(parent, cst.IndentedBlock) and index >= 2:
                parent = stack[index - 2]
            return (node, parent) if isinstance(parent, cst.ClassDef) else (node, None)
    return None, None


def is_generator(func: cst.FunctionDef) -> bool:
    stack = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Yield,)):
            return True
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        stack.extend(node.children)
    return False


def coroutine_def(func: cst.CSTNode) -> Optional[bool]:
    """True for an `async def` whose call returns a coroutine; False for any other def."""
    if not isinstance(func, cst.FunctionDef):
        return None
    if func.asynchronous is None:
        return False
    for decorator in func.decorators:
        expr = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if (dotted_name(expr) or "").rsplit(".", 1)[-1] not in TRANSPARENT_DECORATORS:
            return None
    return not is_generator(func)


def _defined_in(block: Sequence[cst.CSTNode], name: str) -> Iterator[cst.CSTNode]:
    """Definitions and assignments of ``name`` among a block's statements (nested blocks included,
    nested functions and classes not)."""
    stack = list(block)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            if stmt.name.value == name:
                yield stmt
            continue
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                targets = assignment_targets(small)
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        local = alias.asname.name if alias.asname else alias.name
                        if dotted_name(local) == name or (dotted_name(local) or "").split(".")[0] == name:
                            yield small
                for target in targets:
                    if any(isinstance(n, cst.Name) and n.value == name for n in _names(target)):
                        yield small
            continue
        for attr in ("body", "orelse", "finalbody"):
            value = getattr(stmt, attr, None)
            if isinstance(value, cst.BaseSuite):
                stack.extend(value.body)
            elif isinstance(value, (cst.Else, cst.Finally)):
                stack.extend(value.body.body)
            elif isinstance(value, cst.If):
                stack.append(value)
        for handler in getattr(stmt, "handlers", ()):
            stack.extend(handler.body.body)
        if isinstance(stmt, (cst.For, cst.With)):
            targets = [stmt.target] if isinstance(stmt, cst.For) else [i.asname.name for i in stmt.items if i.asname]
            for target in targets:
                if any(isinstance(n, cst.Name) and n.value == name for n in _names(target)):
                    yield stmt


def _names(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (cst.Tuple, cst.List, cst.StarredElement, cst.Element)):
            stack.extend(current.children)


def _params(func: cst.FunctionDef) -> Iterator[str]:
    p = func.params
    for param in (*p.posonly_params, *p.params, *p.kwonly_params):
        yield param.name.value
    for star in (p.star_arg, p.star_kwarg):
        if isinstance(star, cst.Param):
            yield star.name.value


class Coroutines:
    """Resolves the callee of a call to "is it a coroutine function" for one file."""

    def __init__(self, ctx, extra: Sequence[str] = ()):
        self.ctx = ctx
        self.extra = frozenset(extra)
        self._module_name: Optional[Tuple[str, bool]] = None

    # -- qualified names -----------------------------------------------------------
    def absolute(self, qualified: str) -> str:
        """A relative import's target (`.client.fetch`) made absolute with the project index."""
        if not qualified.startswith(".") or self.ctx.project is None:
            return qualified
        if self._module_name is None:
            self._module_name = self.ctx.project.module_of(self.ctx.path)
        module, is_package = self._module_name
        level = len(qualified) - len(qualified.lstrip("."))
        package = module if is_package else module.rpartition(".")[0]
        for _ in range(level - 1):
            package = package.rpartition(".")[0]
        rest = qualified.lstrip(".")
        return f"{package}.{rest}" if package else rest

    def _qualified(self, qualified: Optional[str]) -> Optional[bool]:
        if qualified is None:
            return None
        if qualified in KNOWN_COROUTINE_FUNCTIONS or qualified in self.extra:
            return True
        project = self.ctx.project
        if project is None:
            return None
        return project.is_coroutine_function(self.absolute(qualified))

    # -- the callee ---------------------------------------------------------------------
    def of_call(self, call: cst.Call) -> Optional[bool]:
        func = call.func
        if isinstance(func, cst.Name):
            return self._name(func.value)
        if not isinstance(func, cst.Attribute):
            return None
        receiver = func.value
        attr = func.attr.value
        if isinstance(receiver, cst.Name) and receiver.value in ("self", "cls"):
            method, cls = enclosing_class(self.ctx)
            if cls is not None and method is not None and method.params.params \
                    and method.params.params[0].name.value == receiver.value:
                return self._method(cls, attr, set())
            return None
        if isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super":
            _, cls = enclosing_class(self.ctx)
            return self._bases(cls, attr, set()) if cls is not None else None
        qualified = self.ctx.qualified_name(func)
        if qualified is not None:
            head = (dotted_name(receiver) or "").split(".")[0]
            if not self._shadowed(head):
                found = self._qualified(qualified)
                if found is not None:
                    return found
        info = self.ctx.type_of(receiver)
        if info is not None and (info.type, attr) in KNOWN_COROUTINE_METHODS:
            return True
        return None

    def _shadowed(self, name: str) -> bool:
        """A local of an enclosing function, or a parameter, rebinds the name."""
        for node in reversed(self.ctx.stack[:-1]):
            if isinstance(node, cst.FunctionDef):
                if name in _params(node) or any(True for _ in _defined_in(node.body.body, name)):
                    return True
        return False

    def _name(self, name: str) -> Optional[bool]:
        for node in reversed(self.ctx.stack[:-1]):
            if isinstance(node, cst.FunctionDef):
                if name in _params(node):
                    return None
                found = list(_defined_in(node.body.body, name))
                if found:
                    return coroutine_def(found[0]) if len(found) == 1 else None
            if isinstance(node, cst.ClassDef):
                continue  # class-level names are not visible inside methods
        found = list(_defined_in(self.ctx.module.body, name))
        if len(found) == 1 and isinstance(found[0], cst.FunctionDef):
            return coroutine_def(found[0])
        if len(found) == 1 and isinstance(found[0], (cst.Import, cst.ImportFrom)):
            return self._qualified(self.ctx.imports.resolve_dotted(name))
        if not found and name not in self.ctx.imports.aliases:
            return None
        if not found:
            return self._qualified(self.ctx.imports.resolve_dotted(name))
        return None

    def _class_named(self, name: str) -> Optional[cst.ClassDef]:
        found = list(_defined_in(self.ctx.module.body, name))
        return found[0] if len(found) == 1 and isinstance(found[0], cst.ClassDef) else None

    def _method(self, cls: cst.ClassDef, attr: str, seen: set) -> Optional[bool]:
        if id(cls) in seen:
            return None
        seen.add(id(cls))
        if isinstance(cls.body, cst.IndentedBlock):
            found = list(_defined_in(cls.body.body, attr))
            if found:
                return coroutine_def(found[-1])
        return self._bases(cls, attr, seen)

    def _bases(self, cls: cst.ClassDef, attr: str, seen: set) -> Optional[bool]:
        for base in cls.bases:
            if base.keyword is not None:
                continue
            name = dotted_name(base.value)
            if name is None:
                return None
            local = self._class_named(name) if "." not in name else None
            if local is not None:
                found = self._method(local, attr, seen)
            else:
                qualified = self.ctx.imports.resolve_dotted(name)
                if qualified is None or self.ctx.project is None:
                    return None
                found = self.ctx.project.method_is_coroutine(self.absolute(qualified), attr)
            if found is not None:
                return found
            if local is None:
                return None  # an unknown base may define it
        return None
