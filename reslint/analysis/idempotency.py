"""Idempotency: what a retry repeats that must not be repeated, and what makes it safe to.

An HTTP POST or PATCH (through requests, httpx, aiohttp or urllib3: `post()`, `patch()`,
`request("POST", ...)`, `method="POST"`), or a callable the project declares non-idempotent,
repeated by a retry may run twice on the server: the attempt that timed out may have done its
work. The search covers the retried code and the functions and methods of the module it calls
(nested functions included), up to two calls deep, with literal arguments followed into
parameters (`def send(method): ... session.request(method, url)` called as `send("POST")`) and
instance attributes followed to what their class assigns them (`self.method`, set from a
constructor parameter defaulting to "POST"; `self._request`, given `session.post` by the code
that builds the instance). A request, or a function on the way, that carries an idempotency
key (a header named in ``key_names``, an `idempotency_key=` argument) is safe.

:func:`generic_send` finds the transport shape: a retry re-sending whatever request or method
its function was given (an HTTP method, or a GraphQL document that may be a mutation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

from ..lazycst import cst

from .blocks import walk, walk_all
from .callees import all_calls, bind_arguments, definitions, is_method, local_callee, positional_params
from .calls import find_arg, keyword_arg, string_value
from .http import (
    CLIENT_MODULES,
    CLIENT_RECEIVER_NAMES,
    CLIENT_TYPES,
    METHOD_ARGUMENT_METHODS,
    METHOD_FIRST_METHODS,
    NON_IDEMPOTENT,
    NON_IDEMPOTENT_VERBS,
    REQUEST_FUNCTIONS,
)
from .names import dotted_name, last_word
from .retry_model import Retry
from .scopes import innermost_class

# message brokers whose publish, retried, may deliver a message twice unless it carries an id
BROKER_MODULES = frozenset({"redis", "pika", "aio_pika", "aiormq", "kombu", "amqp", "amqpstorm", "nats", "paho",
                            "aiokafka", "kafka", "confluent_kafka", "pulsar", "aiobotocore", "boto3"})
PUBLISH_METHODS = frozenset({"publish", "basic_publish", "publish_message"})
PUBLISH = "publish"
# message properties that let consumers drop a repeat
_MESSAGE_ID_WORDS = ("message_id", "messageid", "msg_id", "dedup", "deduplication")

# keyword arguments that carry an idempotency key (payment SDKs), lower-cased
_KEY_ARGUMENTS = ("idempotency_key", "idempotencykey")


@dataclass(frozen=True)
class Operation:
    """A call a retry repeats that must not be repeated."""

    call: cst.Call
    what: str       # "POST", "PATCH", or a configured callable's name
    display: str    # the callee as written
    via: str = ""   # how the request gets its method or function, when the call does not spell it
                    # (`its method `self.method` may be "POST"`)


@dataclass
class _Frame:
    """One function on the way from the retry to the operation, with what its call site passed."""

    func: Optional[cst.FunctionDef]
    scope: Tuple[cst.CSTNode, ...]
    env: Dict[str, FrozenSet[str]]   # parameter -> literal values known from the call site


class Operations:
    """Finds what a retry repeats that must not be repeated (RES203)."""

    def __init__(self, ctx, non_idempotent: FrozenSet[str], key_names: FrozenSet[str]):
        self.ctx = ctx
        self.non_idempotent = non_idempotent
        self.key_names = frozenset(k.lower() for k in key_names)
        self.uses_http = any(
            q.split(".", 1)[0] in CLIENT_MODULES for q in ctx.imports.aliases.values()
        )
        self._reading: Set[Tuple[int, str]] = set()  # attributes being read (a cycle guard)
        self.uses_broker = any(q.split(".", 1)[0] in BROKER_MODULES or q.startswith("google.cloud.pubsub")
                               for q in ctx.imports.aliases.values())

    def find(self, retry: Retry) -> Optional[Operation]:
        func = retry.function or next((n for n in reversed(retry.scope) if isinstance(n, cst.FunctionDef)), None)
        frame = _Frame(func, retry.scope, {})
        chain = [frame]
        if retry.function is not None and has_key(retry.function, self.key_names):
            return None
        for reference in retry.callables:
            found = self._operation(cst.Call(func=reference), frame)
            if found is not None:
                return Operation(found.call, found.what, found.display)
        found = self._search(retry.body, frame, chain, depth=0, seen=set())
        if found is not None and found.via and func is not None:
            decider = retry.node if isinstance(retry.node, (cst.For, cst.While)) else func
            if _looks_at_method(self.ctx, decider, func, retry.scope):
                return None  # the method is not a literal, and the retry checks it
        return found

    def _search(self, nodes, frame: _Frame, chain: List[_Frame], depth: int, seen: Set[int]) -> Optional[Operation]:
        for node in walk_all(nodes):
            if not isinstance(node, cst.Call):
                continue
            found = self._operation(node, frame)
            if found is not None:
                if any(f.func is not None and has_key(f.func, self.key_names) for f in chain) or call_has_key(node, self.key_names):
                    continue
                return found
            if depth >= 2:
                continue
            target = local_callee(self.ctx, node, frame.scope) or _nested_callee(node, frame)
            if target is None or id(target[0]) in seen:
                continue
            func, scope = target
            bound = bind_arguments(func, node, isinstance(node.func, cst.Attribute))
            env = {}
            for name, expr in bound.items():
                values = self.literal_values(expr, frame)
                if values:
                    env[name] = values
            inner = _Frame(func, scope, env)
            found = self._search(func.body.body, inner, chain + [inner], depth + 1, seen | {id(func)})
            if found is not None:
                return found
        return None

    def _operation(self, call: cst.Call, frame: _Frame, through_variable: bool = True) -> Optional[Operation]:
        ctx = self.ctx
        if through_variable and isinstance(call.func, cst.Name) and frame.func is not None:
            found = self._through_variable(call, frame)
            if found is not None:
                return found
        if through_variable and isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name) \
                and call.func.value.value == "self" and local_callee(ctx, call, frame.scope) is None:
            found = self._through_attribute(call, frame)
            if found is not None:
                return found
        qualified = ctx.qualified_name(call.func)
        display = dotted_name(call.func) or ctx.module.code_for_node(call.func)
        if qualified is not None and qualified in self.non_idempotent:
            return Operation(call, display, display)
        if qualified in REQUEST_FUNCTIONS:
            how = REQUEST_FUNCTIONS[qualified]
            return self._verb(call, how, frame, display)
        if not isinstance(call.func, cst.Attribute):
            return None
        attr = call.func.attr.value
        if attr in PUBLISH_METHODS and self.uses_broker and not _has_message_id(call, frame.func):
            return Operation(call, PUBLISH, display)
        if attr not in NON_IDEMPOTENT_VERBS and attr not in METHOD_ARGUMENT_METHODS:
            return None
        receiver = ctx.bindings.type_of(call.func.value, frame.scope)
        if receiver is not None:
            if receiver.type not in CLIENT_TYPES:
                return None
        elif not (self.uses_http and last_word(dotted_name(call.func.value)) in CLIENT_RECEIVER_NAMES):
            return None
        if attr in NON_IDEMPOTENT_VERBS:
            return self._verb(call, NON_IDEMPOTENT_VERBS[attr], frame, display)
        if attr in METHOD_FIRST_METHODS:
            return self._verb(call, 0, frame, display)
        return None

    def _through_variable(self, call: cst.Call, frame: _Frame) -> Optional[Operation]:
        """`request_func = requests.post` (or `self._session.patch`, in one branch of several)
        then `request_func(url, json=...)`: the call runs what the function assigned to the name."""
        name = call.func.value
        for node in walk(frame.func.body):
            if not isinstance(node, (cst.Assign, cst.AnnAssign)) or node.value is None:
                continue
            targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            if not any(isinstance(t, cst.Name) and t.value == name for t in targets):
                continue
            if isinstance(node.value, cst.Attribute):
                found = self._operation(call.with_changes(func=node.value), frame, through_variable=False)
                if found is not None and found.what in NON_IDEMPOTENT:
                    return Operation(call, found.what, f"{name} = {found.display}")
        return None

    def _through_attribute(self, call: cst.Call, frame: _Frame) -> Optional[Operation]:
        """`self._request(url, data=...)` where `_request` is no method but a function the
        instance was given (`self._request = request` in `__init__`, the class built with
        `request=self._pick(session)` whose returns include `session.post`): the call runs
        one of the functions that reach the attribute."""
        shown = dotted_name(call.func)
        for origin, where in self._origins(call.func, frame, 0, set()):
            if origin is call.func:
                continue
            found = self._operation(call.with_changes(func=origin), where, through_variable=False)
            if found is not None and found.what in NON_IDEMPOTENT:
                return Operation(call, found.what, shown, f"which may be `{found.display}`")
        return None

    def _origins(self, expr: cst.BaseExpression, frame: _Frame, depth: int,
                 seen: Set[int]) -> Iterator[Tuple[cst.BaseExpression, _Frame]]:
        """The expressions a callable value comes from, followed through the module: an instance
        attribute to what the class assigns it, a local to its assignments, a parameter to what
        the module's callers pass, a call of a function of the module to what it returns. What
        cannot be followed further is yielded with the frame it is read in."""
        if depth > 4 or id(expr) in seen:
            return
        seen.add(id(expr))
        ctx = self.ctx
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
            cls = innermost_class(frame.scope)
            if cls is not None and isinstance(cls.body, cst.IndentedBlock) and \
                    f"{cls.name.value}.{expr.attr.value}" not in definitions(ctx):
                for value, method in _attribute_assignments(cls, expr.attr.value):
                    if method is not None:
                        inner = _Frame(method, (*_class_scope(ctx, cls), method), {})
                        yield from self._origins(value, inner, depth + 1, seen)
                return
        elif isinstance(expr, cst.Name) and frame.func is not None:
            assigned = [n.value for n in walk(frame.func.body) if isinstance(n, cst.Assign)
                        and any(isinstance(t.target, cst.Name) and t.target.value == expr.value for t in n.targets)]
            if assigned:
                for value in assigned:
                    yield from self._origins(value, frame, depth + 1, seen)
                return
            params = {p.name.value for p in (*positional_params(frame.func), *frame.func.params.kwonly_params)}
            if expr.value in params:
                for argument, caller in self._arguments_for(frame.func, frame.scope, expr.value):
                    yield from self._origins(argument, caller, depth + 1, seen)
                return
        elif isinstance(expr, cst.Call):
            target = local_callee(ctx, expr, frame.scope)
            if target is not None:
                func, scope = target
                for node in walk(func.body):
                    if isinstance(node, cst.Return) and node.value is not None:
                        yield from self._origins(node.value, _Frame(func, scope, {}), depth + 1, seen)
                return
        yield expr, frame

    def _arguments_for(self, func: cst.FunctionDef, scope, param: str) -> Iterator[Tuple[cst.BaseExpression, _Frame]]:
        """What the module's calls of ``func`` (its class's, for `__init__`) pass for ``param``,
        each with the frame of the function the call is made in."""
        method = is_method(self.ctx, func)
        cls = innermost_class(scope) if func.name.value == "__init__" else None
        where = {id(f): (f, s) for found in definitions(self.ctx).values() for f, s in found}
        names = [cls.name.value] if cls is not None else [func.name.value]
        for name in names:
            for call, caller in _calls_by_name(self.ctx).get(name, ()):
                if cls is not None:
                    if not isinstance(call.func, cst.Name):
                        continue
                elif method != isinstance(call.func, cst.Attribute):
                    continue
                bound = bind_arguments(func, call, method or cls is not None)
                if param in bound and caller is not None and id(caller) in where:
                    yield bound[param], _Frame(caller, where[id(caller)][1], {})

    def _verb(self, call: cst.Call, how, frame: _Frame, display: str) -> Optional[Operation]:
        if isinstance(how, str):
            return Operation(call, how, display)
        arg = find_arg(call, "method", how)
        if arg is None:
            return None
        values = self.literal_values(arg.value, frame)
        hits = sorted(v for v in (values or ()) if v in NON_IDEMPOTENT)
        if not hits:
            return None
        if not isinstance(arg.value, cst.Attribute):
            return Operation(call, hits[0], display)  # a literal, or a local or parameter given one
        written = dotted_name(arg.value) or self.ctx.module.code_for_node(arg.value)
        return Operation(call, hits[0], display, f"its method `{written}` may be \"{hits[0]}\"")

    def literal_values(self, expr: cst.BaseExpression, frame: _Frame, depth: int = 0) -> Optional[FrozenSet[str]]:
        """The string values an expression may have, when they are all literals in reach."""
        text = string_value(expr)
        if text is not None:
            return frozenset({text.upper()})
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in ("upper", "lower") and not expr.args:
            return self.literal_values(expr.func.value, frame, depth)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            # `method or self.method`: either side may be what is sent
            sides = [self.literal_values(side, frame, depth) for side in (expr.left, expr.right)]
            known = [side for side in sides if side is not None]
            return frozenset().union(*known) if known else None
        if isinstance(expr, cst.Attribute):
            return self._attribute_values(expr, frame)
        if not isinstance(expr, cst.Name):
            return None
        name = expr.value
        if name in frame.env:
            return frame.env[name]
        func = frame.func
        if func is None:
            return None
        values: Set[str] = set()
        assigned = False
        for node in walk(func.body):
            if isinstance(node, cst.Assign) and any(isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets):
                assigned = True
                value = string_value(node.value)
                if value is None:
                    return None
                values.add(value.upper())
        if assigned:
            return frozenset(values)
        param = next((p for p in (*positional_params(func), *func.params.kwonly_params) if p.name.value == name), None)
        if param is None or depth > 0:
            return None
        if param.default is not None:
            default = string_value(param.default)
            if default is not None:
                values.add(default.upper())
        for value in self._caller_values(func, frame, name):
            if value is None:
                continue
            values.add(value)
        return frozenset(values) if values else None

    def _attribute_values(self, expr: cst.Attribute, frame: _Frame) -> Optional[FrozenSet[str]]:
        """What an instance attribute may hold (`self.method`, or `hook.method` for a parameter
        annotated with a class of this module): the literals its class assigns to it, at class
        level or as `self.method = ...` in any of its methods, each assignment read in its
        method (`self.method = method.upper()` with `def __init__(self, method="POST")`). None
        when no assignment tells."""
        receiver = expr.value
        if not isinstance(receiver, cst.Name):
            return None
        cls: Optional[cst.ClassDef] = None
        if receiver.value == "self":
            cls = innermost_class(frame.scope)
        elif frame.func is not None:
            param = next((p for p in (*positional_params(frame.func), *frame.func.params.kwonly_params)
                          if p.name.value == receiver.value), None)
            annotation = param.annotation.annotation if param is not None and param.annotation is not None else None
            if isinstance(annotation, cst.Name):
                cls = module_classes(self.ctx).get(annotation.value)
        if cls is None or not isinstance(cls.body, cst.IndentedBlock):
            return None
        key = (id(cls), expr.attr.value)
        if key in self._reading:
            return None
        self._reading.add(key)
        try:
            values: Set[str] = set()
            known = False
            for assigned, method in _attribute_assignments(cls, expr.attr.value):
                inner = _Frame(method, (*_class_scope(self.ctx, cls), method) if method is not None else frame.scope, {})
                found = self.literal_values(assigned, inner)
                if found is not None:
                    known = True
                    values |= found
            return frozenset(values) if known else None
        finally:
            self._reading.discard(key)

    def _caller_values(self, func: cst.FunctionDef, frame: _Frame, param: str) -> Iterator[Optional[str]]:
        """Literal values callers in this module pass for ``param`` of ``func`` (for `__init__`,
        the calls of its class)."""
        name = func.name.value
        method = is_method(self.ctx, func)
        cls = innermost_class(frame.scope) if name == "__init__" else None
        for node in all_calls(self.ctx):
            callee = node.func
            if cls is not None and isinstance(callee, cst.Name) and callee.value == cls.name.value:
                bound = bind_arguments(func, node, True)
                if param in bound:
                    value = string_value(bound[param])
                    yield value.upper() if value is not None else None
                continue
            if method:
                if not (isinstance(callee, cst.Attribute) and callee.attr.value == name):
                    continue
            elif not (isinstance(callee, cst.Name) and callee.value == name):
                continue
            bound = bind_arguments(func, node, method)
            if param in bound:
                value = string_value(bound[param])
                yield value.upper() if value is not None else None


def _nested_callee(call: cst.Call, frame: _Frame):
    """`request_func()` calling a `def request_func` written among the statements of the
    function the call is made in: (that def, its scope)."""
    if not isinstance(call.func, cst.Name) or frame.func is None:
        return None
    for stmt in frame.func.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == call.func.value:
            scope = tuple(frame.scope)
            if not scope or scope[-1] is not frame.func:
                index = next((i for i, n in enumerate(scope) if n is frame.func), None)
                scope = scope[:index + 1] if index is not None else (*scope, frame.func)
            return stmt, (*scope, frame.func.body, stmt)
    return None


def module_classes(ctx) -> Dict[str, cst.ClassDef]:
    """The module's top-level classes by name (kept per file)."""
    return ctx.memo(module_classes, lambda: {s.name.value: s for s in ctx.module.body if isinstance(s, cst.ClassDef)})


def _class_scope(ctx, cls: cst.ClassDef) -> Tuple[cst.CSTNode, ...]:
    """The ancestor stack of a top-level class's methods (Module, class, its body)."""
    return (ctx.module, cls, cls.body)


def _attribute_assignments(cls: cst.ClassDef, attr: str) -> Iterator[Tuple[cst.BaseExpression, Optional[cst.FunctionDef]]]:
    """(value, the method it is assigned in, None at class level) for `attr = ...` in the class
    body and `self.attr = ...` in its methods."""
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef):
            for node in walk(stmt.body):
                if isinstance(node, (cst.Assign, cst.AnnAssign)) and node.value is not None:
                    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
                    if any(isinstance(t, cst.Attribute) and t.attr.value == attr and isinstance(t.value, cst.Name)
                           and t.value.value == "self" for t in targets):
                        yield node.value, stmt
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    if any(isinstance(t, cst.Name) and t.value == attr for t in targets):
                        yield small.value, None


def call_has_key(call: cst.Call, keys: FrozenSet[str]) -> bool:
    """The call passes an idempotency key: an `idempotency_key=` argument or a key header name."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value.lower() in _KEY_ARGUMENTS:
            return True
    return any(_string_is_key(n, keys) for n in walk(call))


def _string_is_key(node: cst.CSTNode, keys: FrozenSet[str]) -> bool:
    """A string literal that is one of ``keys`` (lower-cased header names)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = string_value(node)
        return value is not None and value.lower() in keys
    return False


def has_key(func: cst.FunctionDef, keys: FrozenSet[str]) -> bool:
    """The function builds an idempotency key: a key header name or an `idempotency_key=` argument."""
    for node in walk(func):
        if _string_is_key(node, keys):
            return True
        if isinstance(node, cst.Arg) and node.keyword is not None and node.keyword.value.lower() in _KEY_ARGUMENTS:
            return True
    return False


# parameters that hand a transport the method to send, or the request that carries it
_METHOD_PARAMETERS = frozenset({"method", "http_method", "verb", "request_method"})
_REQUEST_PARAMETERS = frozenset({"request", "req", "http_request", "prepared_request", "prepared"})
_OPTIONS_PARAMETERS = frozenset({"options", "request_options", "opts"})
# HTTP libraries beyond the clients RES101 knows (httpcore, httplib2, forks such as httpx2, http.client)
_HTTP_MODULE_PREFIXES = ("http", "aiohttp", "urllib3", "requests")
# what a transport calls to put a request on the wire
_SEND_WORDS = ("send", "request", "perform_request", "handle_request", "urlopen", "send_request", "make_request",
               "_send", "_request", "_send_request", "_make_request", "_perform_request", "handle_async_request")
# exceptions that say the server refused the request without acting on it
_REFUSED = ("ratelimit", "rate_limit", "toomanyrequests", "too_many_requests", "retryafter", "throttl",
            "unauthori", "invalidsession", "expiredtoken", "connecterror", "connecttimeout", "connectionrefused")


@dataclass(frozen=True)
class GenericSend:
    """A retried call that sends whatever method its function was given."""

    call: cst.Call
    display: str    # the callee as written
    carrier: str    # the parameter that carries the method: `method`, `request`
    dead_key: bool = False  # an idempotency key is generated but its header name is only ever None
    graphql: bool = False   # a GraphQL request (a query or a mutation), not an HTTP method
    through: str = ""       # the call of the retried code that leads to the send, when it is not the send
    method: str = ""        # the method the request was built with, when spelled (`Request(method="POST")`)


def generic_send(ctx, retry: Retry, key_names: FrozenSet[str]) -> Optional[GenericSend]:
    """The transport shape of RES203: a retry, in a module that uses an HTTP library, that re-sends
    a request whose method is a parameter of its function (`def request(self, method, url)`,
    `def send(self, request)`) without ever looking at that method (`if method in IDEMPOTENT`,
    `self._is_method_retryable(request)`) or attaching an idempotency key. A retry that goes round
    only on errors saying the server refused the request (rate limits, expired credentials, a
    failed connect) repeats nothing the server did, and is left alone."""
    func = retry.function or next((n for n in reversed(retry.scope) if isinstance(n, cst.FunctionDef)), None)
    if func is None or has_key(func, frozenset(k.lower() for k in key_names)):
        return None
    if _sets_key(func) and not _key_header_is_dead(ctx):
        return None  # `options.idempotency_key = self._idempotency_key()`, sent under a header
    http = _uses_http(ctx) or _reads_http_status(retry.node)
    graphql = not http and any(q.split(".", 1)[0] in _GRAPHQL_MODULES for q in ctx.imports.aliases.values())
    if not http and not graphql:
        return None  # neither an HTTP library nor HTTP responses: the "method" may be anything
    params = {p.name.value for p in (*func.params.params, *func.params.kwonly_params)}
    outer = next((n for n in reversed(retry.scope) if isinstance(n, cst.FunctionDef) and n is not func), None)
    if outer is not None and any(n is func for n in outer.body.body):
        # a function defined in another one (`def do(): client.send(request)`) sends what the
        # enclosing function was given
        params |= {p.name.value for p in (*outer.params.params, *outer.params.kwonly_params)}
    carriers = {p for p in params if p in _METHOD_PARAMETERS | _REQUEST_PARAMETERS | _OPTIONS_PARAMETERS
                or p.endswith(("_method", "_verb", "_request", "_options"))
                or (graphql and p in _GRAPHQL_PARAMETERS)}
    own = func.name.value.lower()
    if not graphql and "request" in own and _is_send_word(own) and not _builds(own):
        # the transport's own send (`def _send_request(self, request_dict, operation_model)`)
        # building the request it sends from what it was given (`request =
        # self.create_request(request_dict, operation_model)`): its method is the caller's
        built = _built_requests(func, params - {"self", "cls"})
        carriers |= {name for name, method in built.items() if method is None or method in NON_IDEMPOTENT}
        spelled = {name: method for name, method in built.items() if method is not None}
    else:
        spelled = {}
    carriers = _grown(func, carriers)
    decider = retry.node if isinstance(retry.node, (cst.For, cst.While)) else func
    if not carriers or _looks_at_method(ctx, decider, func, retry.scope):
        return None
    if graphql and _looks_at_operation(decider):
        return None  # `if operation_type == "mutation": raise`
    if retry.form.value == "loop" and _only_refusals(retry):
        return None
    method_params = {p for p in carriers & params if p in _METHOD_PARAMETERS or p.endswith(("_method", "_verb"))}
    if method_params and method_params == carriers & params and all(
            _only_safe_methods(ctx, func, p, 0, set()) for p in method_params):
        return None  # a private transport every caller in the module hands "GET"
    found = _find_send(ctx, retry.body, carriers, retry.scope, graphql, 0, {id(func)})
    if found is None:
        return None
    node, shown, through = found
    display = dotted_name(node.func) or ctx.module.code_for_node(node.func)
    return GenericSend(node, display, shown, dead_key=_sets_key(func), graphql=graphql, through=through,
                       method=spelled.get(shown, ""))


def _find_send(ctx, nodes, carriers: Set[str], scope, graphql: bool, depth: int,
               seen: Set[int]) -> Optional[Tuple[cst.Call, str, str]]:
    """The call among ``nodes`` that sends a carrier (`self._send(request)`), or one a function of
    the module they hand a carrier to makes, up to two calls deep (`self._get_response(request)`
    whose body calls `self._send(request)`). -> (the send, the carrier it is given, the first
    call on the way or '')."""
    for node in walk_all(nodes):
        if not isinstance(node, cst.Call):
            continue
        word = _callee_word(node)
        if _is_send(node, word, graphql):
            for arg in node.args:
                if _carries(arg.value, carriers):
                    shown = dotted_name(arg.value) or next(
                        (dotted_name(a.value) for a in getattr(arg.value, "args", ()) if dotted_name(a.value) in carriers), "request")
                    return node, shown, ""
            continue
        if depth >= 2 or _builds(word) or not any(_carries(a.value, carriers) for a in node.args):
            continue
        target = local_callee(ctx, node, scope)
        if target is None or id(target[0]) in seen:
            continue
        callee, callee_scope = target
        bound = bind_arguments(callee, node, isinstance(node.func, cst.Attribute))
        handed = {name for name, expr in bound.items() if _carries(expr, carriers)}
        if not handed:
            continue
        found = _find_send(ctx, callee.body.body, _grown(callee, handed), callee_scope, graphql, depth + 1,
                           seen | {id(callee)})
        if found is not None:
            return found[0], found[1], dotted_name(node.func) or word
    return None


def _is_send(call: cst.Call, word: str, graphql: bool) -> bool:
    """A call that puts a request on the wire (for GraphQL: executes one), and does not spell its
    method (`session.request("GET", url, params=query)` sends a GET, whatever else it is given)."""
    if graphql:
        return word.lstrip("_").startswith("execute")
    if not _is_send_word(word) or _builds(word):
        return False
    method = find_arg(call, "method", 0) if word in METHOD_FIRST_METHODS else keyword_arg(call, "method")
    return method is None or string_value(method.value) is None


def _is_send_word(word: str) -> bool:
    return word in _SEND_WORDS or word.endswith(("_send", "_request"))


def _builds(word: str) -> bool:
    """`create_request`, `_build_request`, `prepare_request`, `_to_core_request`: builds or
    converts a request, sends nothing."""
    return word.lstrip("_").startswith(_BUILD_PREFIXES)


_BUILD_PREFIXES = ("create_", "build_", "prepare_", "new_", "to_", "from_", "as_", "convert", "serialize", "parse",
                   "validate", "format", "encode", "decode")


def _built_requests(func: cst.FunctionDef, given: Set[str]) -> Dict[str, Optional[str]]:
    """Locals the function assigns a request built from its parameters (`request =
    self.create_request(request_dict)`, `req = Request(method=verb, url=url)`) -> the method
    the build spells (`method="POST"`), upper-cased, or None."""
    built: Dict[str, Optional[str]] = {}
    for node in walk(func.body):
        if not (isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name)
                and isinstance(node.value, cst.Call)):
            continue
        call = node.value
        name = call.func.attr.value if isinstance(call.func, cst.Attribute) else \
            call.func.value if isinstance(call.func, cst.Name) else ""
        word = name.lower()
        if not ((_builds(word) and "request" in word) or (name[:1].isupper() and name.endswith("Request"))):
            continue
        if any(isinstance(n, cst.Name) and n.value in given for arg in call.args for n in walk(arg.value)):
            method = keyword_arg(call, "method")
            spelled = string_value(method.value) if method is not None else None
            built[node.targets[0].target.value] = spelled.upper() if spelled is not None else None
    return built


def _grown(func: cst.FunctionDef, carriers: Set[str]) -> Set[str]:
    """Data flow in the function: `request = self._build_request(options)` carries what
    `options` carries."""
    carriers = set(carriers)
    assigns = [node for node in walk(func.body) if isinstance(node, cst.Assign)
               and isinstance(node.value, (cst.Call, cst.Name)) and len(node.targets) == 1
               and isinstance(node.targets[0].target, cst.Name)]
    for _ in range(3):
        grown = {a.targets[0].target.value for a in assigns if _carries(a.value, carriers)}
        if grown <= carriers:
            break
        carriers |= grown
    return carriers


# GraphQL clients: a request (a document) may hold a query or a mutation, as an HTTP request may
# hold any method
_GRAPHQL_MODULES = frozenset({"graphql", "gql", "sgqlc", "python_graphql_client"})
_GRAPHQL_PARAMETERS = frozenset({"document", "query", "operation", "graphql_request", "gql_request"})


def _callee_word(call: cst.Call) -> str:
    """The callee's last name, lower-cased: `send` for `self._client.send(...)` and for
    `super().send(...)`."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value.lower()
    return last_word(dotted_name(call.func))


def _looks_at_operation(decider: cst.CSTNode) -> bool:
    """The retry tells GraphQL queries from mutations (`operation_type == "mutation"`,
    `OperationType.MUTATION`, `is_mutation(document)`)."""
    for node in walk(decider):
        if isinstance(node, cst.Name) and "mutation" in node.value.lower():
            return True
        if isinstance(node, cst.SimpleString) and "mutation" in (string_value(node) or "").lower():
            return True
    return False


# methods that do not change anything on the server: safe to send twice
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _only_safe_methods(ctx, func: cst.FunctionDef, param: str, depth: int, seen: Set[int]) -> bool:
    """Every call of the private function ``func`` in the module passes a safe method for
    ``param``: a literal (`self._connect("GET", url)`), a local only ever assigned literals
    (`method = "GET"`), or a parameter of the caller that is itself only given safe methods
    (an override handing its `method` to `super()._connect(method, ...)`). Needs at least one
    call, and a private name (a public one may be called from anywhere), except for a public
    caller on the way that defaults to a safe method (`def api_call(self, http_verb="GET")`
    handing it on): the module never asks for anything else."""
    name = func.name.value
    if name.startswith("__") or depth > 3 or id(func) in seen:
        return False
    if not name.startswith("_"):
        default = next((p.default for p in (*positional_params(func), *func.params.kwonly_params)
                        if p.name.value == param), None)
        if depth == 0 or default is None or (string_value(default) or "").upper() not in _SAFE_METHODS:
            return False
    seen = seen | {id(func)}
    method = is_method(ctx, func)
    found = False
    for call, caller in _calls_by_name(ctx).get(name, ()):
        if method != isinstance(call.func, cst.Attribute):
            continue
        bound = bind_arguments(func, call, method)
        if param not in bound:
            if any(arg.star for arg in call.args):
                return False  # `*args`: cannot tell
            default = next((p.default for p in (*positional_params(func), *func.params.kwonly_params)
                            if p.name.value == param), None)
            value = string_value(default) if default is not None else None
            if value is None or value.upper() not in _SAFE_METHODS:
                return False
            found = True
            continue
        expr = bound[param]
        value = string_value(expr)
        if value is not None:
            if value.upper() not in _SAFE_METHODS:
                return False
            found = True
            continue
        if not isinstance(expr, cst.Name) or caller is None:
            return False
        caller_params = (*positional_params(caller), *caller.params.kwonly_params)
        if id(caller) in seen and any(p.name.value == expr.value for p in caller_params):
            continue  # handed on unchanged by a function already on the way (an override, a recursion)
        assigned = [n.value for n in walk(caller.body) if isinstance(n, cst.Assign)
                    and any(isinstance(t.target, cst.Name) and t.target.value == expr.value for t in n.targets)]
        if assigned:
            if not all((string_value(v) or "").upper() in _SAFE_METHODS for v in assigned):
                return False
        elif not any(p.name.value == expr.value for p in caller_params) or \
                not _only_safe_methods(ctx, caller, expr.value, depth + 1, seen):
            return False
        found = True
    return found


def all_assignments(ctx) -> List[cst.CSTNode]:
    """Every `=` and annotated assignment of the module (kept per file)."""
    from .blocks import find_all

    return ctx.memo(all_assignments, lambda: find_all(ctx.module, cst.Assign) + find_all(ctx.module, cst.AnnAssign))


def _calls_by_name(ctx) -> Dict[str, List[Tuple[cst.Call, Optional[cst.FunctionDef]]]]:
    """Callee's last name -> [(call, the module function or method it is made in)]."""
    def compute():
        out: Dict[str, List[Tuple[cst.Call, Optional[cst.FunctionDef]]]] = {}
        for found in definitions(ctx).values():
            for func, _ in found:
                for node in walk(func.body):
                    if isinstance(node, cst.Call):
                        word = node.func.attr.value if isinstance(node.func, cst.Attribute) else \
                            node.func.value if isinstance(node.func, cst.Name) else None
                        if word is not None:
                            out.setdefault(word, []).append((node, func))
        return out
    return ctx.memo(_calls_by_name, compute)


def _carries(expr: cst.BaseExpression, carriers) -> bool:
    """`request`, `request.method`, or a call given one (`model_copy(options)`)."""
    name = dotted_name(expr)
    if name is not None:
        return name in carriers or (name.rsplit(".", 1)[-1] == "method" and name.split(".", 1)[0] in carriers)
    if isinstance(expr, cst.Call):
        return any(dotted_name(a.value) in carriers for a in expr.args)
    return False


def _looks_at_method(ctx, decider: cst.CSTNode, func: cst.FunctionDef, scope) -> bool:
    """The retry (the loop, or the decorated function), or a helper of the module it consults
    in a test or a handler, compares the method or asks whether it may be retried (`method in
    IDEMPOTENT`, `request.method.upper() != "POST"`, `self._is_method_retryable(...)`,
    `is_idempotent(request)`). Building the request (`json=... if method == "POST"`) is not it."""
    bodies = [decider]
    for node in walk(decider):
        tests = [node.test] if isinstance(node, (cst.If, cst.While)) else \
            [node.body] if isinstance(node, cst.ExceptHandler) else []
        for part in tests:
            for call in walk(part):
                if isinstance(call, cst.Call):
                    target = local_callee(ctx, call, scope)
                    if target is not None and target[0] is not func:
                        bodies.append(target[0])
    for body in bodies:
        for node in walk(body):
            if isinstance(node, cst.Comparison) and _compares_method(node) and any(
                    isinstance(c.operator, (cst.In, cst.NotIn)) for c in node.comparisons):
                return True  # `method in IDEMPOTENT_METHODS`
            if isinstance(node, (cst.If, cst.While)) and _tests_method(node.test) and _gates(node):
                return True  # `if method != "GET": raise` / `if method == "POST": retry = False`
            if isinstance(node, cst.Assign) and _tests_method(node.value) and any(
                    any(w in last_word(dotted_name(t.target)) for w in ("retr", "idempot", "safe"))
                    for t in node.targets):
                return True  # `retryable = method.upper() != "POST"`
            if isinstance(node, cst.Call):
                word = last_word(dotted_name(node.func))
                if "idempot" in word or ("method" in word and any(w in word for w in ("retr", "allow", "safe"))) \
                        or any(w in word.replace("_", "") for w in _READ_ONLY_WORDS):
                    return True  # `_is_method_retryable(request)`, `_is_read_retryable_request(request)`
    return False


# a helper that asks whether a request only reads (`_is_read_retryable_request`, `is_read_only`)
_READ_ONLY_WORDS = ("readretr", "readonly", "safetoretry")


def is_refusal(name: Optional[str]) -> bool:
    """An exception class, as written, that says the server refused the request or was never
    reached (`RateLimitError`, `ConnectError`, `ConnectionRefusedError`)."""
    word = last_word(name).replace("_", "")
    return bool(word) and any(r.replace("_", "") in word for r in _REFUSED)


def _sets_key(func: cst.FunctionDef) -> bool:
    """The function stores an idempotency key on what it sends (`options.idempotency_key = ...`)."""
    return any(isinstance(n, cst.Assign) and any(
        isinstance(t.target, cst.Attribute) and "idempotency_key" in t.target.attr.value.lower() for t in n.targets)
        for n in walk(func.body))


def _key_header_is_dead(ctx) -> bool:
    """The header the key would be sent under is only ever None in this module
    (`self._idempotency_header = None`, never given a name): the key is generated and dropped."""
    def compute() -> bool:
        values = [n.value for n in all_assignments(ctx) if any(
            isinstance(t, cst.Attribute) and "idempotency_header" in t.attr.value.lower() for t in
            ([t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target]))]
        return bool(values) and all(isinstance(v, cst.Name) and v.value == "None" for v in values if v is not None)
    return ctx.memo(_key_header_is_dead, compute)


def _uses_http(ctx) -> bool:
    """The module imports an HTTP library, or an HTTP layer of its own project
    (`botocore.httpsession`, `.http_client`)."""
    return ctx.memo(_uses_http, lambda: any(
        q.split(".", 1)[0] in CLIENT_MODULES or q.startswith(_HTTP_MODULE_PREFIXES)
        or any(part.startswith("http") for part in q.split(".")[1:-1])
        for q in ctx.imports.aliases.values()))


def _reads_http_status(node: cst.CSTNode) -> bool:
    """The retry looks at a response's HTTP status (`resp.status_code`, `resp.meta.status in
    retry_on_status`): a transport of its own over HTTP, whatever library sits below it."""
    return any(isinstance(n, cst.Attribute) and n.attr.value in ("status", "status_code") for n in walk(node))


def _compares_method(node: cst.Comparison) -> bool:
    return any(any(isinstance(n, (cst.Name, cst.Attribute)) and "method" in last_word(dotted_name(n))
                   for n in walk(part)) for part in (node.left, *(c.comparator for c in node.comparisons)))


def _tests_method(expr: cst.CSTNode) -> bool:
    return any(isinstance(n, cst.Comparison) and _compares_method(n) for n in walk(expr))


def _gates(node: cst.CSTNode) -> bool:
    """The branches of an `if` on the method decide the retry: one leaves (raise, return, break,
    continue) or sets a retry flag. A branch that only builds the request (`if method !=
    "HEAD": body = parse(resp)`) decides nothing."""
    branches = [node.body] + ([node.orelse] if getattr(node, "orelse", None) is not None else [])
    for branch in branches:
        for inner in walk(branch):
            if isinstance(inner, (cst.Raise, cst.Return, cst.Break, cst.Continue)):
                return True
            if isinstance(inner, (cst.Assign, cst.AugAssign)) and any(
                    any(w in last_word(dotted_name(t)) for w in ("retr", "idempot", "safe"))
                    for t in ([t.target for t in inner.targets] if isinstance(inner, cst.Assign) else [inner.target])):
                return True
    return False


def _only_refusals(retry: Retry) -> bool:
    """Every handler of the retried `try`s catches only errors that mean the server refused."""
    loop = retry.node
    found = False
    for node in walk(loop):
        if isinstance(node, cst.ExceptHandler) and node.type is not None:
            elements = node.type.elements if isinstance(node.type, cst.Tuple) else [node.type]
            for element in elements:
                expr = element.value if isinstance(element, cst.Element) else element
                word = last_word(dotted_name(expr)).replace("_", "")
                if not any(r.replace("_", "") in word for r in _REFUSED):
                    return False
                found = True
    return found


def _has_message_id(call: cst.Call, func: Optional[cst.FunctionDef] = None) -> bool:
    """The publish carries an id consumers can dedupe on (`message_id=`, a `MessageId`
    property, a deduplication id), in its arguments, in what they build, or in what a name it
    passes was assigned in the function (`properties = BasicProperties(message_id=...)`)."""
    names = {a.value.value for a in call.args if isinstance(a.value, cst.Name)}
    values = [node.value for node in walk(func.body) if isinstance(node, cst.Assign)
              and any(isinstance(t.target, cst.Name) and t.target.value in names for t in node.targets)] \
        if func is not None and names else []
    return any(_carries_message_id(node) for node in [call, *values])


def _carries_message_id(expr: cst.CSTNode) -> bool:
    for node in walk(expr):
        if isinstance(node, cst.Arg) and node.keyword is not None \
                and any(w in node.keyword.value.lower().replace("_", "") for w in
                        (w.replace("_", "") for w in _MESSAGE_ID_WORDS)):
            return True
        if isinstance(node, cst.SimpleString):
            value = (string_value(node) or "").lower().replace("-", "_")
            if any(w in value for w in _MESSAGE_ID_WORDS):
                return True
    return False
