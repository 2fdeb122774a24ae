"""Hand-written retry loops: is this `while` / `for` loop a retry, and does anything bound it.

A loop is a retry when a ``try`` in it has a handler that goes round again (falls through or
``continue``\\ s) on the failure of an operation (see :mod:`.failures`) and the loop is left on
success: a ``return``/``break`` in the ``try`` or its ``else``, right after the ``try``, or, for
``while not done:``, the flag set in the ``try``. A loop whose only exits are failures -- a
server's accept loop, a worker pulling jobs, an event loop -- is not retrying one operation and
is left alone. A ``for`` loop whose variable feeds the operation (``for host in hosts: try:
return connect(host)``) is a fallback over candidates, not a retry.

A retry loop is bounded by its test (`while attempts < 3:`), by a ``for`` over a finite
iterable, by an exit that only happens sometimes (`if attempt > 5: raise`, in a handler or
outside the retried code), by a call that may give up (`policy.increment()`, a helper of the
module that raises), or by a counter that is counted and compared.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .blocks import body_statements, walk, walk_all
from .callees import definitions, local_callee
from .calls import is_none
from .failures import catches_failure, catches_only_timeouts, goes_round_on_readiness, is_not_failure_class
from .names import assignment_targets, dotted_name, last_word, names_in, root_names
from .retry_model import Bound, Form, Retry, Wait
from .waits import WAIT_WORDS, Pause, is_sleep_call, wait_in

# calls that log or report: not the operation a retry repeats, nor a use of its data
LOG_WORDS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print",
             "format", "echo", "write", "emit", "capture", "record", "append")
# calls in a handler that may decide to give up (raise) or count attempts
GIVE_UP_WORDS = ("increment", "raise", "check", "giveup", "give_up", "should", "exhaust", "deadline",
                 "timeout", "remaining", "can_retry", "may_retry", "retries_left", "attempts_left")


def _is_true(expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Name) and expr.value == "True") or (isinstance(expr, cst.Integer) and expr.value != "0")


def _last_statement(block: cst.BaseSuite) -> Optional[cst.CSTNode]:
    statements = body_statements(block)
    return statements[-1] if statements else None


def _continues(node: cst.CSTNode) -> bool:
    """A `continue` of the loop being analysed under ``node`` (not of a nested loop)."""
    if isinstance(node, cst.Continue):
        return True
    if isinstance(node, (cst.For, cst.While, cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        return False
    return any(_continues(child) for child in node.children)


def _terminates(block: cst.BaseSuite) -> bool:
    """Every path through the block ends in raise/return/break (continue goes round again)."""
    if _continues(block):
        return False
    last = _last_statement(block)
    if isinstance(last, (cst.Raise, cst.Return, cst.Break)):
        return True
    if isinstance(last, cst.If):
        return _if_terminates(last)
    if isinstance(last, (cst.With, cst.Try)):
        return _terminates(last.body) if isinstance(last, cst.With) else False
    return False


def _if_terminates(node: cst.If) -> bool:
    if not _terminates(node.body):
        return False
    orelse = node.orelse
    if orelse is None:
        return False
    if isinstance(orelse, cst.If):
        return _if_terminates(orelse)
    return _terminates(orelse.body)


def _exits(nodes: Iterable[cst.CSTNode], loop_level: bool = True) -> Iterator[cst.CSTNode]:
    """return / raise / break (of the loop being analysed) statements among nodes."""
    for node in nodes:
        for inner in _walk_exits(node, loop_level):
            yield inner


def _walk_exits(node: cst.CSTNode, loop_level: bool) -> Iterator[cst.CSTNode]:
    if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        return
    if isinstance(node, (cst.Return, cst.Raise)):
        yield node
        return
    if isinstance(node, cst.Break):
        if loop_level:
            yield node
        return
    inner_level = loop_level and not isinstance(node, (cst.For, cst.While))
    for child in node.children:
        if isinstance(node, (cst.For, cst.While)) and child is node.orelse:
            yield from _walk_exits(child, loop_level)
        else:
            yield from _walk_exits(child, inner_level)


def _unconditional_exit(block: Sequence[cst.CSTNode]) -> bool:
    """A return/break among the block's own statements (not nested in an if or loop)."""
    for stmt in block:
        smalls = stmt.body if isinstance(stmt, cst.SimpleStatementLine) else (stmt,)
        for small in smalls:
            if isinstance(small, (cst.Return, cst.Break)):
                return True
        if isinstance(stmt, cst.With) and _unconditional_exit(stmt.body.body):
            return True
    return False


def _retried(node: cst.Try) -> Tuple[cst.CSTNode, ...]:
    """What a retry repeats of a `try`: its body and its `else`."""
    orelse = node.orelse.body.body if node.orelse is not None else ()
    return (*node.body.body, *orelse)


def _tries_in(block: Sequence[cst.CSTNode]) -> Iterator[cst.Try]:
    for stmt in block:
        if isinstance(stmt, cst.Try):
            yield stmt
        elif isinstance(stmt, cst.With):
            yield from _tries_in(stmt.body.body)


class LoopAnalysis:
    """The retry shape of one `while`/`for` loop, in the module ``ctx`` holds."""

    def __init__(self, ctx, loop: cst.CSTNode, scope: Sequence[cst.CSTNode]):
        self.ctx = ctx
        self.loop = loop
        self.scope = tuple(scope)

    def analyse(self) -> Optional[Retry]:
        loop = self.loop
        body = list(loop.body.body)
        flag: Optional[str] = None
        infinite = False
        if isinstance(loop, cst.While):
            test = loop.test
            if _is_true(test):
                infinite = True
            else:
                flag = _flag_name(test)
                if flag is None:
                    return self._bounded_loop(body) or self._predicate_loop(body)
        else:
            if self._is_count(loop.iter):
                infinite = True
            elif self._target_feeds_operation(loop, body):
                return None
        retry_tries = []
        for node in _tries_in(body):
            handlers = self._retrying_handlers(node)
            after = _statements_after(body, node)
            if after is not None and _unconditional_exit(after):
                # `except Timeout: response = failed(...)` then `break` after the try: the failure
                # leaves the loop; only a handler that `continue`s goes round
                handlers = [h for h in handlers if _continues(h.body)]
            if not handlers:
                continue
            if self._succeeds(node, body, {flag} if flag else None):
                retry_tries.append((node, handlers))
        if not retry_tries:
            return self._backoff_loop(body)
        if self._fresh_candidate(body, [node for node, _ in retry_tries]):
            return None  # each round draws a new candidate (a random port): not a repeat of one call
        handlers_found = [h for _, hs in retry_tries for h in hs]
        if self._shrinks_candidates(loop, [node for node, _ in retry_tries], handlers_found):
            return None  # the handler drops the failed candidate: a fallback, not a retry
        if self._waits_in_slices([node for node, _ in retry_tries], handlers_found):
            return None  # `f.result(10)` round and round on timeouts: waiting, not retrying
        if any(isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and n.func.attr.value == "accept"
               for node, _ in retry_tries for n in walk(node.body)):
            return None  # a server's accept loop: it serves, it does not retry one operation
        if self._redispatches(body, [node for node, _ in retry_tries], handlers_found):
            return None  # a pool hands each round a fresh connection; "not available" is local
        if _polls_local_input([node for node, _ in retry_tries]):
            return None  # `return win.getkey()` in nodelay mode: the error means "no key yet"
        repeated = tuple(stmt for node, _ in retry_tries for stmt in _retried(node))
        bound = Bound.UNBOUNDED if (infinite or (flag is not None and not _ERROR_STATE.search(flag))) else Bound.BOUNDED
        if bound == Bound.UNBOUNDED and self._has_bound(loop, body, [h for _, hs in retry_tries for h in hs], repeated):
            bound = Bound.BOUNDED
        pause = self._pause([h for _, hs in retry_tries for h in hs])
        return Retry(
            node=loop, form=Form.LOOP, label="retry loop", bound=bound, wait=pause.kind, wait_source=pause.call,
            body=repeated, scope=self.scope, why_no_wait=pause.why,
            why_unbounded=(getattr(self, "unlimited", "") if bound == Bound.UNBOUNDED else ""),
            repeats_once=self._repeats_once(loop, handlers_found) and (
                _on_stale_connection(handlers_found, self.ctx.imports) or _repairs(handlers_found)),
        )

    def _retrying_handlers(self, node: cst.Try) -> List[cst.ExceptHandler]:
        """The handlers of a `try` that go round again on the failure of an operation."""
        return [h for h in node.handlers if not _terminates(h.body) and not goes_round_on_readiness(h)
                and not self._readiness_by_name(h)
                and (catches_failure(h, self.ctx.imports) or self._backs_off(h))]

    def _readiness_by_name(self, handler: cst.ExceptHandler) -> bool:
        """`if exc.errno in _errnos: continue` where `_errnos` is a parameter defaulting to (or a
        module constant holding) `EAGAIN` / `EINTR`: the readiness re-issue of
        :func:`goes_round_on_readiness`, with the errno set held in a name."""
        function = next((n for n in reversed(self.scope) if isinstance(n, cst.FunctionDef)), None)
        for node in walk(handler.body):
            if not isinstance(node, cst.Comparison):
                continue
            sides = [node.left] + [c.comparator for c in node.comparisons]
            if not any(isinstance(side, cst.Attribute) and side.attr.value == "errno" for side in sides):
                continue
            for side in sides:
                if not isinstance(side, cst.Name):
                    continue
                values = []
                if function is not None:
                    values += [p.default for p in (*function.params.params, *function.params.kwonly_params)
                               if p.name.value == side.value and p.default is not None]
                values += [small.value for stmt in self.ctx.module.body if isinstance(stmt, cst.SimpleStatementLine)
                           for small in stmt.body if isinstance(small, cst.Assign) and any(
                               isinstance(t.target, cst.Name) and t.target.value == side.value for t in small.targets)]
                if any((dotted_name(n) or "").rsplit(".", 1)[-1] in ("EAGAIN", "EINTR", "EWOULDBLOCK")
                       for value in values for n in walk(value) if isinstance(n, (cst.Name, cst.Attribute))):
                    return True
        return False

    def _backs_off(self, handler: cst.ExceptHandler) -> bool:
        """The handler waits before going round (`sleep(delay)`, `self._sleep_for_retry(...)`):
        whatever it catches (`except retryable_errors():`), it is written to wait out a failure."""
        if handler.type is not None:
            elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
            if all(is_not_failure_class(e.value if isinstance(e, cst.Element) else e, self.ctx.imports)
                   for e in elements):
                return False  # `except queue.Empty: sleep(interval)` polls, it does not retry
        pause = wait_in(self.ctx, handler.body, self.scope, growth_scope=self.loop)
        return pause.kind != Wait.NONE

    def _backoff_loop(self, body) -> Optional[Retry]:
        """A loop that never leaves on success (a listener, a reconnect loop) but whose failure
        handler backs off on a schedule: a retry of its connection, judged only for its wait."""
        for node in _tries_in(body):
            for handler in node.handlers:
                if _terminates(handler.body) or goes_round_on_readiness(handler):
                    continue
                pause = wait_in(self.ctx, handler.body, self.scope, growth_scope=self.loop)
                if pause.kind == Wait.GROWING:
                    return Retry(node=self.loop, form=Form.LOOP, label="reconnect loop", bound=Bound.BOUNDED,
                                 wait=pause.kind, wait_source=pause.call, body=(), scope=self.scope)
        return None

    def _pause(self, handlers: Sequence[cst.ExceptHandler]) -> Pause:
        pause = wait_in(self.ctx, self.loop, self.scope)
        if pause.call is not None and pause.kind == Wait.UNKNOWN and handlers:
            # the strongest "wait" is the attempt waiting for its own answer (`wait_for(future,
            # timeout)`): the pause between attempts is what sleeps outside the attempt
            attempt = frozenset(id(c) for t in walk(self.loop) if isinstance(t, cst.Try)
                                and any(h in handlers for h in t.handlers) for c in walk(t.body) if isinstance(c, cst.Call))
            sent = _call_results([s for s in self.loop.body.body if not isinstance(s, cst.Try)])
            waits_on_round = bool(names_in(pause.call) & sent)
            if id(pause.call) in attempt and waits_on_round:
                # (`waiter.wait(...)` with a waiter made before the loop polls a state: the
                # attempt is itself the wait, and it stays unknown)
                between = wait_in(self.ctx, self.loop, self.scope, skip=attempt)
                if between.call is not None and is_sleep_call(self.ctx, between.call) and between.kind != Wait.UNKNOWN:
                    pause = between
        if pause.kind == Wait.NONE and handlers and all(catches_only_timeouts(h, self.ctx.imports) for h in handlers):
            return Pause(Wait.UNKNOWN)  # every failed round already waited out its timeout
        if pause.kind != Wait.NONE and handlers:
            hot = self._hot_path(handlers)
            if hot is not None:
                return Pause(Wait.NONE, why=hot)
        return pause

    def _hot_path(self, handlers: Sequence[cst.ExceptHandler]) -> Optional[str]:
        """`except RateLimited as e: sleep(e.retry_after)` next to `except Exception: attempt += 1`:
        the second handler goes round at once. Or the handlers wait but the `else:` of the try,
        which looks at the response (`if resp.status not in RETRY_ON: return resp`), goes round
        on a retryable status with no wait. Only when nothing outside the handlers waits (a
        sleep after the `try`, a wait in the attempt) and that handler does not catch only
        timeouts (each of those already waited). -> the path, for the message."""
        handler_ids = {id(h) for h in handlers}
        tries = [t for t in walk(self.loop) if isinstance(t, cst.Try) and any(id(h) in handler_ids for h in t.handlers)]
        if len(tries) != 1:
            return None
        node = tries[0]
        others = [h for h in node.handlers if id(h) not in handler_ids]
        outside = [s for stmt in self.loop.body.body for s in (
            (*node.body.body, *(node.orelse.body.body if node.orelse else ()),
             *(node.finalbody.body.body if node.finalbody else ())) if stmt is node else (stmt,))]
        if not any(stmt is node for stmt in self.loop.body.body):
            return None  # the try sits deeper (in a `with`): keep to the simple shape
        if any(wait_in(self.ctx, stmt, self.scope, growth_scope=self.loop).kind != Wait.NONE for stmt in outside + others):
            return None
        waits = [wait_in(self.ctx, h.body, self.scope, growth_scope=self.loop).kind != Wait.NONE for h in handlers]
        if not any(waits):
            return None
        for handler, waited in zip(handlers, waits):
            if len(handlers) > 1 and not waited and not catches_only_timeouts(handler, self.ctx.imports) \
                    and not goes_round_on_readiness(handler) and not self._delegates(handler):
                return f"on `except {_caught(self.ctx, handler)}`, while other handlers wait"
        if all(waits) and node.orelse is not None and not _terminates(node.orelse.body) \
                and any(not isinstance(e, cst.Raise) for e in _exits([node.orelse.body])) \
                and not any(isinstance(s, cst.Continue) for s in walk(node.orelse.body)):
            return "on a retryable response (the `else:` of the try), while failures wait"
        return None

    def _delegates(self, handler: cst.ExceptHandler) -> bool:
        """The handler calls something other than logging or a builtin (`policy.ShouldRetry()`,
        `self._failover(exc)`): what happens before the next round (a switch to another region, a
        wait) is decided elsewhere, so its path is not judged on its own."""
        for call in walk(handler.body):
            if not isinstance(call, cst.Call):
                continue
            word = last_word(dotted_name(call.func))
            if any(w in word for w in LOG_WORDS) or (self.ctx.qualified_name(call.func) or "").startswith("builtins."):
                continue
            return True
        return False

    def _fresh_candidate(self, body, tries: Sequence[cst.Try]) -> bool:
        """The retried code uses a value drawn in the loop at random or from a collection
        (`port = random.randrange(...)`, `name = folder.pop(0)`, `host = next(hosts)`): each round
        tries a new candidate, it does not repeat the call that failed."""
        drawn: Set[str] = set()
        top = [small for stmt in list(body) + [s for t in tries for s in t.body.body]
               for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ())]
        for node in top:
            if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
                call = node.value
                qualified = self.ctx.qualified_name(call.func) or ""
                if qualified.startswith(("random.", "secrets.")) or qualified == "builtins.next" or (
                        isinstance(call.func, cst.Attribute) and call.func.attr.value in ("pop", "popleft", "popitem")):
                    for target in node.targets:
                        drawn |= names_in(target.target)
        # `s = pool.pop(0)` ... `pool.append(s)`: a rotation over the same servers, still a retry
        for node in walk_all(body):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in (
                    "append", "appendleft", "insert", "put") and any(dotted_name(a.value) in drawn for a in node.args):
                drawn -= {dotted_name(a.value) for a in node.args}
        if not drawn:
            return False
        return any(isinstance(n, cst.Name) and n.value in drawn for t in tries for n in walk(t.body)
                   if not isinstance(n, cst.Assign))

    def _redispatches(self, body, tries: Sequence[cst.Try], handlers: Sequence[cst.ExceptHandler]) -> bool:
        """`conn = pool.wait_for_connection(timeout)` each round, then `conn.handle(req)` with only
        `except ConnectionNotAvailable:` going round: the pool said the resource it handed out was
        taken or closing (a local signal), and the next round waits for another one; real connect
        errors propagate."""
        if not handlers or not all(_catches_only(h, _NOT_AVAILABLE) for h in handlers):
            return False
        drawn: Set[str] = set()
        for stmt in body:
            if any(stmt is t for t in tries):
                break
            for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
                if isinstance(small, cst.Assign) and isinstance(small.value, (cst.Call, cst.Await)):
                    for target in small.targets:
                        drawn |= {n for n in names_in(target.target)}
        return bool(drawn) and any(
            isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and dotted_name(n.func.value) in drawn
            for t in tries for n in walk(t.body))

    def _cleared_in(self, handler: cst.ExceptHandler, flag: cst.BaseExpression) -> bool:
        """The handler sets the flag it tests to False: a one-shot retry."""
        name = dotted_name(flag)
        if name is None:
            return False
        return any(isinstance(n, cst.Assign) and any(dotted_name(t.target) == name for t in n.targets)
                   and isinstance(n.value, cst.Name) and n.value.value == "False" for n in walk(handler.body))

    def _shrinks_candidates(self, loop, tries: Sequence[cst.Try], handlers: Sequence[cst.ExceptHandler]) -> bool:
        """A handler removes what failed from what the next round tries: `while addrs: ... except:
        drop(addrs)`, `groups[:] = groups[:-1]`, `hosts.remove(host)`, `del servers[0]`."""
        used: Set[str] = set()
        for node in tries:
            for call in walk(node.body):
                if isinstance(call, cst.Call):
                    for arg in call.args:
                        used |= names_in(arg.value) if isinstance(arg.value, (cst.Name, cst.Attribute)) else set()
        collection = None
        if isinstance(loop, cst.While):
            test = loop.test.expression if isinstance(loop.test, cst.UnaryOperation) else loop.test
            if isinstance(test, cst.Comparison) and isinstance(test.left, cst.Call) \
                    and self.ctx.qualified_name(test.left.func) == "builtins.len" and test.left.args:
                test = test.left.args[0].value  # `while len(hosts) > 0:`
            if isinstance(test, (cst.Name, cst.Attribute)) and not _is_true(test) and dotted_name(test) != "False":
                collection = dotted_name(test)
                used.add(collection or "")
            elif isinstance(test, cst.Call) and self.ctx.qualified_name(test.func) == "builtins.len" and test.args:
                used.add(dotted_name(test.args[0].value) or "")
        used.discard("")
        used.discard("self")
        passed = {dotted_name(arg.value) for node in tries for call in walk(node.body) if isinstance(call, cst.Call)
                  for arg in call.args} - {None}
        drawn: Optional[Set[str]] = None  # names the loop binds afresh each round, outside its handlers
        for handler in handlers:
            if self._retargets(handler) or _renames(handler, passed):
                return True
            for node in walk(handler.body):
                if isinstance(node, (cst.Assign, cst.AugAssign)):
                    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, cst.Subscript) and dotted_name(target.value) in used and (
                                any(isinstance(e.slice, cst.Slice) for e in target.slice)
                                or (isinstance(node, cst.Assign) and dotted_name(target.value) in names_in(node.value))):
                            return True  # `groups[:] = groups[:-1]` (not `kwargs["body"] = rebuilt()`)
                        if isinstance(node, cst.Assign) and dotted_name(target) in used and isinstance(node.value, cst.Subscript):
                            return True  # `groups = groups[1:]`
                if isinstance(node, cst.Del):
                    if any(isinstance(t, cst.Subscript) and dotted_name(t.value) in used for t in walk(node.target)):
                        return True
                if isinstance(node, cst.Call):
                    func = node.func
                    if isinstance(func, cst.Attribute) and func.attr.value in ("pop", "remove", "popleft", "discard") \
                            and dotted_name(func.value) in used:
                        return True
                    if collection and local_callee(self.ctx, node, self.scope) is None and any(
                            dotted_name(a.value) == collection for a in node.args):
                        return True  # `while addr_infos: ... except: pop_addr_infos(addr_infos)`
                    if _takes_out(node) and any(dotted_name(a.value) in passed for a in node.args):
                        if drawn is None:
                            drawn = _bound_outside(loop.body, handlers)
                        if any(dotted_name(a.value) in (passed & drawn) for a in node.args):
                            return True  # `address = pick(); try: use(address) except: self.deactivate(address)`
        return False

    @staticmethod
    def _retargets(handler: cst.ExceptHandler) -> bool:
        """The handler points the next round somewhere the error named: `uri = follow(exc)`,
        `self.uri = uri` (a redirect, a moved leader): a new target, not a repeat."""
        if handler.name is None or not isinstance(handler.name.name, cst.Name):
            return False
        error = handler.name.name.value
        derived: Set[str] = set()  # names computed from the error by a call: `uri = self.follow(exc)`
        for node in walk(handler.body):
            if not isinstance(node, cst.Assign):
                continue
            from_error = isinstance(node.value, cst.Call) and any(
                isinstance(n, cst.Name) and n.value in derived | {error} for a in node.value.args for n in walk(a.value))
            for target in node.targets:
                if isinstance(target.target, cst.Name) and from_error:
                    derived.add(target.target.value)
                elif isinstance(target.target, cst.Attribute) and dotted_name(target.target.value) == "self" and (
                        from_error or (isinstance(node.value, cst.Name) and node.value.value in derived)):
                    return True  # storing the error itself (`self._err = e`) is not a new target
        return False

    def _waits_in_slices(self, tries: Sequence[cst.Try], handlers: Sequence[cst.ExceptHandler]) -> bool:
        """Every handler catches a timeout of a wait that the try makes (`f.result(10)`,
        `q.get(timeout=1)`, `event.wait(5)`): the loop waits in slices, it retries nothing."""
        if not handlers or not all(catches_only_timeouts(h, self.ctx.imports) for h in handlers):
            return False
        for node in tries:
            for call in walk(node.body):
                if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in (
                        "result", "get", "wait", "join", "acquire", "exception"):
                    return True
        return False

    def _repeats_once(self, loop, handlers: Sequence[cst.ExceptHandler]) -> bool:
        """The operation is tried at most twice: `for _ in range(2)`, or a handler that gives up
        once a counter is past 0 (`if attempt > 0: raise`, `if attempt >= 1: raise`)."""
        if isinstance(loop, cst.For) and isinstance(loop.iter, cst.Call) and \
                self.ctx.qualified_name(loop.iter.func) == "builtins.range" and len(loop.iter.args) == 1:
            count = self._constant(loop.iter.args[0].value)
            return count is not None and count <= 2
        if isinstance(loop, cst.While):
            limit = self._limit(loop.test)
            if limit is not None and limit <= 2:
                return True
        for handler in handlers:
            for stmt in body_statements(handler.body):
                if isinstance(stmt, cst.If) and isinstance(stmt.test, (cst.Name, cst.Attribute)) \
                        and self._cleared_in(handler, stmt.test):
                    return True  # `if retry_stale: retry_stale = False; continue`
                if not isinstance(stmt, cst.If) or not any(isinstance(e, cst.Raise) for e in _exits([stmt])):
                    continue
                for node in walk(stmt.test):
                    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not) \
                            and self._cleared_in(handler, node.expression):
                        return True  # `if not retry_once: raise` ... `retry_once = False`
                    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
                        target = node.comparisons[0]
                        if isinstance(target.comparator, cst.Integer) and (
                                (isinstance(target.operator, cst.GreaterThan) and target.comparator.value == "0")
                                or (isinstance(target.operator, cst.GreaterThanEqual) and target.comparator.value == "1")):
                            return True
        return False

    def _uncounted_path(self, body, node: cst.Try, handlers: Sequence[cst.ExceptHandler]):
        """`while attempt <= max_retries:` whose attempts are counted only in some handlers: a
        handler that goes round without counting, without an exit of its own and without a call
        that may give up (`except RateLimited as e: sleep(e.retry_after)`) retries forever on that
        path. -> (the handler, the counters), or None."""
        counters = {n for n in _counted(self.loop) if n in names_in(self.loop.test)}
        if not counters:
            return None
        outside = [s for stmt in body for s in ((*node.body.body, *(node.orelse.body.body if node.orelse else ()),
                                                 *(node.finalbody.body.body if node.finalbody else ()))
                                                if stmt is node else (stmt,))]
        if any(counters & _counted(stmt) for stmt in outside) or any(
                counters & _counted(h) for h in node.handlers if h not in handlers):
            return None  # every round counts (or a path this analysis does not follow does)
        if not any(counters & _counted(h) for h in handlers):
            return None
        for handler in handlers:
            if counters & _counted(handler) or any(True for _ in _exits([handler.body])):
                continue
            if any(isinstance(call, cst.Call) and (
                    any(w in last_word(dotted_name(call.func)) for w in GIVE_UP_WORDS)
                    or local_callee(self.ctx, call, self.scope) is not None) for call in walk(handler.body)):
                continue  # it may give up, or a helper of the module decides
            return handler, counters
        return None

    def _constant(self, expr: cst.BaseExpression) -> Optional[int]:
        """An integer literal, or a name assigned one integer literal, once, in the enclosing
        function or at module level (`RETRIES = 2`, `max_retries = 3`)."""
        if isinstance(expr, cst.Integer):
            return int(expr.evaluated_value)
        if not isinstance(expr, cst.Name):
            return None
        function = next((n for n in reversed(self.scope) if isinstance(n, cst.FunctionDef)), None)
        for where in ([function.body] if function is not None else []) + [self.ctx.module]:
            values = []
            statements_ = body_statements(where) if where is not self.ctx.module else [
                small for stmt in where.body if isinstance(stmt, cst.SimpleStatementLine) for small in stmt.body]
            for small in statements_:
                if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)) and any(
                        isinstance(t, cst.Name) and t.value == expr.value for t in
                        ([t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target])):
                    values.append(small.value if not isinstance(small, cst.AugAssign) else None)
            if function is not None and where is function.body and any(
                    isinstance(p, cst.Param) and p.name.value == expr.value for p in walk(function.params)):
                return None  # a parameter: the caller decides
            if values:
                value = values[0]
                return int(value.evaluated_value) if len(values) == 1 and isinstance(value, cst.Integer) else None
        return None

    def _limit(self, test: cst.BaseExpression) -> Optional[int]:
        """`while i < K:` -> K attempts, `while i <= K:` -> K + 1 (a counter from 0), else None."""
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1 or not isinstance(test.left, cst.Name):
            return None
        target = test.comparisons[0]
        value = self._constant(target.comparator)
        if value is None:
            return None
        if isinstance(target.operator, cst.LessThan):
            return value
        if isinstance(target.operator, cst.LessThanEqual):
            return value + 1
        return None

    def _few_attempts(self, loop) -> bool:
        """A handful of attempts (at most five), by a constant: `for _ in range(3)`, `while n <= 3`."""
        if isinstance(loop, cst.For) and isinstance(loop.iter, cst.Call) and \
                self.ctx.qualified_name(loop.iter.func) == "builtins.range" and len(loop.iter.args) == 1:
            count = self._constant(loop.iter.args[0].value)
        elif isinstance(loop, cst.While):
            count = self._limit(loop.test)
        else:
            count = None
        return count is not None and count <= 5

    def _bounded_loop(self, body) -> Optional[Retry]:
        """`while attempts < 3:` / `while not done and tries < 4:` with a retrying try."""
        flags = root_names(self.loop.test)
        for node in _tries_in(body):
            handlers = self._retrying_handlers(node)
            if handlers and self._succeeds(node, body, flags, conditional=True):
                if self._fresh_candidate(body, [node]) or self._shrinks_candidates(self.loop, [node], handlers) \
                        or self._waits_in_slices([node], handlers):
                    return None  # candidates tried in turn, or a wait in slices: not a retry
                repeated = _retried(node)
                pause = self._pause(handlers)
                once = (self._repeats_once(self.loop, handlers) and (
                    _on_stale_connection(handlers, self.ctx.imports) or _repairs(handlers))) or (
                    self._few_attempts(self.loop) and _refreshes_view(handlers))
                bound, why = Bound.BOUNDED, ""
                uncounted = self._uncounted_path(body, node, handlers)
                if uncounted is not None:
                    handler, counters = uncounted
                    bound = Bound.UNBOUNDED
                    why = (f"goes round on `except {_caught(self.ctx, handler)}` without counting "
                           f"`{'`/`'.join(sorted(counters))}`, so that path has no attempt limit")
                return Retry(node=self.loop, form=Form.LOOP, label="retry loop", bound=bound,
                             wait=pause.kind, wait_source=pause.call, body=tuple(repeated), scope=self.scope,
                             repeats_once=once, why_unbounded=why, why_no_wait=pause.why)
        return None

    def _predicate_loop(self, body) -> Optional[Retry]:
        """`while self._needs_retry(attempts, response, error): ... response, error =
        self._get_response(request)`: no `try` in the loop, the test asks a retry predicate
        whether the last attempt must be made again, and the body makes it. The predicate
        decides the bound and the wait (it may sleep), so only what is repeated is judged."""
        test = self.loop.test
        if not isinstance(test, cst.Call) or not _RETRY_PREDICATE.search(_callee_name(test)):
            return None
        if not any(isinstance(n, cst.Call) and not any(w in last_word(dotted_name(n.func)) for w in LOG_WORDS + WAIT_WORDS)
                   for n in walk_all(body)):
            return None
        return Retry(node=self.loop, form=Form.LOOP, label="retry loop", bound=Bound.BOUNDED, wait=Wait.UNKNOWN,
                     body=tuple(body), scope=self.scope)

    def _is_count(self, expr: cst.BaseExpression) -> bool:
        if not isinstance(expr, cst.Call):
            return False
        qualified = self.ctx.qualified_name(expr.func)
        if qualified == "itertools.count":
            return True
        # iter(int, 1): an endless iterator
        return qualified == "builtins.iter" and len(expr.args) == 2

    def _target_feeds_operation(self, loop: cst.For, body) -> bool:
        """`for host in hosts: try: return connect(host)`: trying candidates, not retrying."""
        targets = names_in(loop.target)
        if not targets or targets <= {"_"}:
            return False
        for node in _tries_in(body):
            if self._uses_meaningfully(node.body, targets):
                return True
        if not isinstance(loop.iter, cst.Call) or self.ctx.qualified_name(loop.iter.func) not in (
                "builtins.range", "itertools.count", "tenacity.Retrying", "tenacity.AsyncRetrying"):
            # a loop over data whose items the try does not use is still iteration unless its
            # variable is an attempt number (range/count): `for x in items: try: ... except: continue`
            return not isinstance(loop.iter, (cst.List, cst.Tuple)) or not self._numbers(loop.iter)
        return False

    @staticmethod
    def _numbers(expr) -> bool:
        return all(isinstance(el.value, (cst.Integer, cst.Float)) or is_none(el.value) for el in expr.elements)

    def _uses_meaningfully(self, block: cst.BaseSuite, names: Set[str]) -> bool:
        stack: List[Tuple[cst.CSTNode, bool]] = [(block, False)]
        while stack:
            node, harmless = stack.pop()
            if isinstance(node, cst.Name) and node.value in names and not harmless:
                return True
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                continue
            now = harmless
            if isinstance(node, cst.Call) and any(w in last_word(dotted_name(node.func)) for w in LOG_WORDS + WAIT_WORDS):
                now = True
            if isinstance(node, (cst.Comparison, cst.FormattedString)):
                now = True
            if isinstance(node, cst.Arg) and node.keyword is not None and _COUNTER_KEYWORD.search(node.keyword.value):
                now = True  # `retries_taken=retries_taken`: the attempt number, not a candidate
            stack.extend((child, now) for child in node.children)
        return False

    def _succeeds(self, node: cst.Try, body, flag, conditional: Optional[bool] = None) -> bool:
        # `while not self._stopping:`: only an unconditional exit or setting the flag is success;
        # under a counted test (`while tries < n:`, ``conditional``) a tested exit is success too
        conditional = not flag if conditional is None else conditional
        if self._exit_on_success(node.body.body, conditional=conditional):
            return True
        orelse = getattr(node.orelse, "body", None)
        if orelse is not None and (_unconditional_exit(orelse.body) or (conditional and _success_test_exit(orelse.body))):
            return True  # the `else:` runs only when the attempt succeeded: an exit there is success
        # `try: ... except: continue` then `break` / `return` after the try
        after = _statements_after(body, node)
        if after is not None and _unconditional_exit(after):
            return True
        # `try: response = send(request) except ...: continue` then `if response.status_code not
        # in RETRYABLE: return response`, at any depth of `if`s after the try
        if conditional and after is not None and self._tested_exit_after(node, after):
            return True
        flags = {flag} if isinstance(flag, str) else set(flag or ())
        if flags:
            # set in a loop over what the try received (`for msg in received: if msg is CLOSE:
            # stopped = True`), the flag answers a message, not the success of the attempt
            for stmt in walk_all(node.body.body, into_loops=False):
                if isinstance(stmt, cst.Assign) and any(flags & names_in(t.target) for t in stmt.targets):
                    return True
        return False

    def _tested_exit_after(self, node: cst.Try, after: Sequence[cst.CSTNode]) -> bool:
        """An `if` after the try, possibly nested in another, whose test reads what the try's
        attempt produced and whose body returns or breaks (not a sentinel test)."""
        # a name a handler also sets (`except pycurl.error as e: ret = e.args[0]`) holds the error
        # too: the test after the try is then a readiness check, not the success of the attempt
        before = []
        for stmt in self.loop.body.body:
            if stmt is node:
                break
            before.append(stmt)
        # what the attempt produced: in the try, or set up just before it (`future = send(...)`)
        results = (_call_results(node.body.body) | _call_results(before, nested=True)) - {
            name for h in node.handlers for n in walk(h.body) if isinstance(n, (cst.Assign, cst.AnnAssign))
            for t in ([t.target for t in n.targets] if isinstance(n, cst.Assign) else [n.target]) for name in names_in(t)}
        if not results:
            return False
        pending: List[cst.CSTNode] = [stmt for stmt in after if isinstance(stmt, cst.If)]
        while pending:
            stmt = pending.pop()
            if not isinstance(stmt, cst.If):
                continue
            if root_names(stmt.test) & results and not _is_sentinel_test(stmt.test) \
                    and any(not isinstance(e, cst.Raise) for e in _exits([stmt.body])):
                return True
            pending.extend(s for s in body_statements(stmt.body) if isinstance(s, cst.If))
            if isinstance(stmt.orelse, cst.If):
                pending.append(stmt.orelse)
            elif stmt.orelse is not None:
                pending.extend(s for s in body_statements(stmt.orelse.body) if isinstance(s, cst.If))
        return False

    def _exit_on_success(self, block, conditional: bool = True) -> bool:
        """A return/break in the try body: unconditional, or under a test of a result the try just
        got (`resp = get(); if resp.ok: return resp`). A test against a sentinel (`if item is
        STOP: break`) or of something the try did not compute is a consumer's exit, not success."""
        if _unconditional_exit(block):
            return True
        if not conditional:
            return False
        results = set()
        for stmt in block:
            for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ()):
                if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None \
                        and any(isinstance(n, (cst.Call, cst.Await)) for n in walk(small.value)):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for target in targets:
                        results |= names_in(target.target)
            if not isinstance(stmt, cst.If) or not any(not isinstance(e, cst.Raise) for e in _exits([stmt])):
                continue
            if root_names(stmt.test) & results and not _is_sentinel_test(stmt.test):
                return True
        # deeper: `if chain is None: response = send(...); if response.is_success: return ...`
        results = _call_results(block, nested=True)
        for node in walk_all(block, into_loops=False):
            if isinstance(node, cst.If) and node not in block and root_names(node.test) & results \
                    and not _is_sentinel_test(node.test) \
                    and any(not isinstance(e, cst.Raise) for e in _exits([node.body])):
                return True
        return False

    def _has_bound(self, loop, body, handlers, repeated) -> bool:
        # an exit from a handler that only happens sometimes: `if attempt > 5: raise`
        for handler in handlers:
            error = handler.name.name.value if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
            for stmt in body_statements(handler.body):
                if not isinstance(stmt, (cst.Raise, cst.Return, cst.Break)) and any(True for _ in _exits([stmt])) \
                        and not self._classifies_error(stmt, error) and not self._settled_test(stmt):
                    return True
            for call in walk(handler.body):
                if not isinstance(call, cst.Call):
                    continue
                if any(w in last_word(dotted_name(call.func)) for w in GIVE_UP_WORDS):
                    return True
                # a helper of the module that may raise decides when to give up (a retry policy)
                target = local_callee(self.ctx, call, self.scope)
                if target is not None and any(isinstance(n, cst.Raise) for n in walk(target[0].body)):
                    return True
        # an exit from the loop outside the retried code: `if time.monotonic() > deadline: raise`,
        # or a call there that may give up (`timer.maybe_raise()`, `deadline.check()`)
        tried = {id(n) for n in repeated}
        attempt = self._attempt_results(body)
        for stmt in body:
            if isinstance(stmt, cst.Try) or id(stmt) in tried:
                continue
            if isinstance(stmt, cst.With):
                continue
            if any(True for _ in _exits([stmt])) and not self._exits_on_result(stmt, attempt):
                return True
            if any(isinstance(call, cst.Call) and any(w in last_word(dotted_name(call.func)) for w in GIVE_UP_WORDS)
                   and not self._unlimited_deadline(call) for call in walk(stmt)):
                return True
        # a counter that is counted and compared somewhere (or is the loop's test: `while remaining:`)
        counted = set()
        for node in walk(loop):
            if isinstance(node, cst.AugAssign) and isinstance(node.operator, (cst.AddAssign, cst.SubtractAssign)):
                counted |= names_in(node.target)
        if isinstance(loop, cst.While) and counted & names_in(loop.test):
            return True
        if counted:
            function = next((n for n in reversed(self.scope) if isinstance(n, cst.FunctionDef)), self.ctx.module)
            for node in walk(function):
                if isinstance(node, cst.Comparison) and names_in(node) & counted:
                    return True
                if isinstance(node, cst.Call) and not any(w in last_word(dotted_name(node.func)) for w in LOG_WORDS) \
                        and any(names_in(a.value) & counted for a in node.args):
                    return True
        return False

    def _attempt_results(self, body) -> Set[str]:
        """Names the attempt produces: set from a call in the tries or before them in the round."""
        names: Set[str] = set()
        for stmt in body:
            if isinstance(stmt, cst.Try):
                names |= _call_results(stmt.body.body)
            elif not isinstance(stmt, (cst.For, cst.While)):
                names |= _call_results([stmt], nested=True)
        return names

    def _exits_on_result(self, stmt: cst.CSTNode, attempt: Set[str]) -> bool:
        """`if future.is_done: if future.succeeded(): return ... elif not future.retriable(): raise`:
        every exit of the statement sits under tests that read only what the attempt produced
        (and constants): success, or a failure classified as final, not a limit on attempts."""
        if not attempt or not isinstance(stmt, cst.If):
            return False
        pending: List[cst.CSTNode] = [stmt]
        while pending:
            node = pending.pop()
            if not any(True for _ in _exits([node])):
                continue  # no way out there: its test does not matter
            if not isinstance(node, cst.If):
                if not isinstance(node, (cst.SimpleStatementLine, cst.Raise, cst.Return, cst.Break)):
                    return False  # an exit in a loop or a `with`: keep it as a bound
                if any(isinstance(s, (cst.Raise, cst.Return, cst.Break)) for s in (
                        node.body if isinstance(node, cst.SimpleStatementLine) else [node])):
                    continue  # the exit itself, reached under the tests above
                continue
            roots = root_names(node.test)
            if not roots or not roots <= attempt | {"None", "True", "False", "isinstance", "len"}:
                return False
            pending.extend(body_statements(node.body))
            if isinstance(node.orelse, cst.If):
                pending.append(node.orelse)
            elif node.orelse is not None:
                pending.extend(body_statements(node.orelse.body))
        return True

    def _unlimited_deadline(self, call: cst.Call) -> bool:
        """`timer.maybe_raise()` where `timer = Timer(timeout_ms)` and `timeout_ms` is a parameter
        that defaults to None and is not replaced when None: the deadline never expires unless the
        caller passes one, so it does not bound the retry."""
        if not isinstance(call.func, cst.Attribute) or not isinstance(call.func.value, cst.Name):
            return False
        function = next((n for n in reversed(self.scope) if isinstance(n, cst.FunctionDef)), None)
        if function is None:
            return False
        receiver = call.func.value.value
        made = [n.value for n in walk(function.body) if isinstance(n, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == receiver for t in n.targets)]
        if len(made) != 1 or not isinstance(made[0], cst.Call) or len(made[0].args) != 1 \
                or not isinstance(made[0].args[0].value, cst.Name):
            return False
        param_name = made[0].args[0].value.value
        param = next((p for p in (*function.params.params, *function.params.kwonly_params)
                      if p.name.value == param_name), None)
        if param is None or param.default is None or not is_none(param.default):
            return False
        reassigned = any(isinstance(n, (cst.Assign, cst.AugAssign)) and any(
            isinstance(t, cst.Name) and t.value == param_name for t in assignment_targets(n)) for n in walk(function.body))
        if reassigned:
            return False
        self.unlimited = (f"has no limit but `{dotted_name(call.func)}()`, whose deadline comes from `{param_name}`, "
                          "which defaults to None")
        return True

    def _settled_test(self, stmt: cst.CSTNode) -> bool:
        """`if self.wait_on_rate_limit: sleep(...); continue` / `else: raise`: the test reads only
        settings that nothing in the loop changes (no call, no name or attribute assigned in the
        loop), so it takes the same branch every round: it picks a behaviour, it cannot end the
        retry later."""
        if not isinstance(stmt, cst.If) or stmt.orelse is None:
            return False
        test = stmt.test
        if any(isinstance(n, (cst.Call, cst.Await, cst.Subscript)) for n in walk(test)):
            return False
        read: Set[str] = set()
        pending: List[cst.CSTNode] = [test]
        while pending:
            node = pending.pop()
            name = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
            if name is not None:
                read.add(name)  # `self.a.b` as a whole, not its parts
            else:
                pending.extend(node.children)
        if not read or not all(r.startswith("self.") for r in read if "." in r) \
                or any("." not in r and r not in ("True", "False", "None") for r in read):
            return False  # only attributes of self: a bare name may be a local the loop computes
        assigned = set()
        for node in walk(self.loop):
            for target in assignment_targets(node) if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign)) else ():
                name = dotted_name(target)
                if name:
                    assigned.add(name)
        return not any(r in assigned or any(a.startswith(r + ".") or r.startswith(a + ".") for a in assigned)
                       for r in read if r != "self")

    def _classifies_error(self, stmt: cst.CSTNode, error: Optional[str]) -> bool:
        """`if exc.response.status_code < 500: raise`: the condition only looks at the error (and
        constants), so it picks which errors to give up on; it does not limit the attempts."""
        if not isinstance(stmt, cst.If):
            return False
        roots = root_names(stmt.test)
        allowed = {"isinstance", "getattr", "hasattr", "None", "True", "False", "str", "int", "len", "type",
                   "any", "all", "set", "frozenset", "tuple"}
        if error is not None:
            allowed.add(error)
        for name in roots - allowed:
            if name in self.ctx.imports.module_bindings and name not in {d for d in definitions(self.ctx)}:
                continue  # a module constant: `if exc.errno in _IGNORED:`
            qualified = self.ctx.imports.resolve_dotted(name)
            if qualified is None or qualified.startswith(("time.", "datetime.")):
                return False  # a local (an attempt count, a deadline) or the clock
        return bool(roots)


# keywords that hand a callee the attempt number (`attempt=`, `retries_taken=`, `try_number=`)
_COUNTER_KEYWORD = re.compile(r"(?i)^(attempts?|retry|retries|tries|try)(_|$)|retr(y|ies)_?(taken|count|number|so_far)|"
                              r"^(attempt|try)_?(number|count|no)$")
# `while not coordinator.exception:`: the loop stops once another part of the work has failed
# or was cancelled, a stop condition rather than a success flag
_ERROR_STATE = re.compile(r"(?i)(exception|error|failure|failed|cancel+ed|aborted)$")
# a pooled resource handed out is no longer usable: the pool's own signal, not a failure
_NOT_AVAILABLE = re.compile(r"(?i)not_?available$")


# words of a callee that takes what it is given out of service: the pool the next round draws
# from no longer holds it (`self.deactivate(address)`, `mark_dead(host)`, `ban_server(s)`)
_TAKE_OUT_WORDS = frozenset({"deactivate", "remove", "discard", "evict", "ban", "blacklist", "denylist",
                             "exclude", "drop", "invalidate", "quarantine", "unregister"})
_MARKED_WORDS = frozenset({"dead", "down", "failed", "bad", "unhealthy", "unavailable"})


def _bound_outside(body: cst.CSTNode, handlers: Sequence[cst.ExceptHandler]) -> Set[str]:
    """The names an assignment of ``body`` binds, leaving out the assignments in ``handlers``."""
    inside = {id(node) for handler in handlers for node in walk(handler)}
    return {name for node in walk(body) if isinstance(node, cst.Assign) and id(node) not in inside
            for target in node.targets for name in names_in(target.target)}


def _takes_out(call: cst.Call) -> bool:
    """A call whose name says it takes its argument out of service (see ``_TAKE_OUT_WORDS``, or
    `mark_*` with a word of failure)."""
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    words = {w for w in name.lower().split("_") if w}
    return bool(words & _TAKE_OUT_WORDS) or ("mark" in words and bool(words & _MARKED_WORDS))


def _catches_only(handler: cst.ExceptHandler, pattern) -> bool:
    """Every class the handler names matches ``pattern`` (a bare `except:` matches none)."""
    if handler.type is None:
        return False
    elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
    return all(pattern.search(last_word(dotted_name(e.value if isinstance(e, cst.Element) else e)))
               for e in elements)


# reads of local input that fail when nothing is there yet (curses in nodelay mode, a
# non-blocking console read): going round is polling the keyboard, no dependency is involved
_INPUT_POLLS = frozenset({"getkey", "getch", "get_wch", "getwch", "getche", "getwche", "get_wstr", "getstr",
                          "read_nonblocking"})


def _polls_local_input(tries: Sequence[cst.Try]) -> bool:
    """The retried code reads local input that is not there yet: every call of the tries that
    is not logging or a method of the value read (`.upper()`) is such a read."""
    reads = False
    for node in tries:
        for call in walk(node.body):
            if not isinstance(call, cst.Call):
                continue
            word = last_word(dotted_name(call.func))
            if word in _INPUT_POLLS:
                reads = True
            elif isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Call) \
                    and last_word(dotted_name(call.func.value.func)) in _INPUT_POLLS:
                continue  # `getkey().upper()`
            elif not any(w in word for w in LOG_WORDS):
                return False
    return reads


_STALE = ("reset", "brokenpipe", "disconnect", "stale", "closed", "eof", "incompleteread", "writeerror")


def _on_stale_connection(handlers: Sequence[cst.ExceptHandler], imports) -> bool:
    """The one immediate retry answers a connection the server closed while it sat in a pool
    (`ConnectionResetError`, `BrokenPipeError`, `ServerDisconnectedError`, `RemoteDisconnected`):
    every handler names such an error, and none catches everything."""
    for handler in handlers:
        if handler.type is None:
            return False
        elements = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        words = [last_word(dotted_name(e.value if isinstance(e, cst.Element) else e)).replace("_", "") for e in elements]
        if any(w in ("exception", "baseexception") for w in words) or not any(
                any(stale in w for stale in _STALE) for w in words):
            return False
    return True


# calls in a handler that repair what failed before the one retry
_REPAIR_WORDS = ("invalidate", "refresh", "reset", "reconnect", "close", "discard", "clear", "reload", "rewind",
                 "seek", "renew", "reauth", "login")


def _repairs(handlers: Sequence[cst.ExceptHandler]) -> bool:
    """A handler repairs something before the single retry (`self._invalidate_schema(...)`,
    `conn.close()`, `self._refresh_token()`): the retry runs against a fixed state."""
    return bool(handlers) and any(
        any(isinstance(n, cst.Call) and any(w in last_word(dotted_name(n.func)) for w in _REPAIR_WORDS)
            for n in walk(h.body)) for h in handlers)


def _call_results(block: Sequence[cst.CSTNode], nested: bool = False) -> Set[str]:
    """Names a block's own statements (``nested``: and those of its `if`s) assign from a call
    (`response = send(...)`)."""
    results: Set[str] = set()
    lines = [n for stmt in block for n in (walk(stmt) if nested else (stmt,))
             if isinstance(n, cst.SimpleStatementLine)]
    for stmt in lines:
        for small in stmt.body:
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None \
                    and any(isinstance(n, (cst.Call, cst.Await)) for n in walk(small.value)):
                targets = small.targets if isinstance(small, cst.Assign) else [small]
                for target in targets:
                    results |= names_in(target.target)
    return results


def _renames(handler: cst.ExceptHandler, passed: Set[str]) -> bool:
    """`self.job_name = f"{self.job_name}-{int(time.time())}"` where the try passes `self.job_name`:
    the next round asks for a new name (after a name collision), it does not repeat the call."""
    for node in walk(handler.body):
        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            continue
        name = dotted_name(node.targets[0].target)
        if name is None or name not in passed:
            continue
        value = node.value
        if isinstance(value, (cst.FormattedString, cst.BinaryOperation)) and any(
                dotted_name(n) == name for n in walk(value) if isinstance(n, (cst.Name, cst.Attribute))):
            return True
    return False


def _counted(node: cst.CSTNode) -> Set[str]:
    """Names counted (`n += 1`, `n -= 1`, `n = n + 1`) under ``node``."""
    out: Set[str] = set()
    for inner in walk(node):
        if isinstance(inner, cst.AugAssign) and isinstance(inner.operator, (cst.AddAssign, cst.SubtractAssign)):
            out |= names_in(inner.target) if isinstance(inner.target, cst.Name) else set()
        elif isinstance(inner, cst.Assign) and isinstance(inner.value, cst.BinaryOperation) and len(inner.targets) == 1 \
                and isinstance(inner.targets[0].target, cst.Name) \
                and inner.targets[0].target.value in names_in(inner.value):
            out.add(inner.targets[0].target.value)
    return out


def _caught(ctx, handler: cst.ExceptHandler) -> str:
    """How a message names what a handler catches: `RateLimited`, `(A, B)`, or `:` for a bare except."""
    return ctx.module.code_for_node(handler.type) if handler.type is not None else ""


# calls that bring a stale view of where things are up to date (a routing map, a topology,
# metadata) so that the next round goes to the right place
_REFRESH_WORDS = ("refresh", "reload", "invalidate")


def _refreshes_view(handlers: Sequence[cst.ExceptHandler]) -> bool:
    """Every handler that goes round refreshes what it knows of the other side before it does
    (`self._client.refresh_routing_map(...)`, `self._invalidate_metadata()`): each round is
    re-targeted, not repeated blindly."""
    return bool(handlers) and all(
        any(isinstance(n, cst.Call) and any(w in last_word(dotted_name(n.func)) for w in _REFRESH_WORDS)
            for n in walk(h.body)) for h in handlers)


def _success_test_exit(block: Sequence[cst.CSTNode]) -> bool:
    """`if not to_retry: break` among the block's statements (not a sentinel test)."""
    return any(isinstance(stmt, cst.If) and not _is_sentinel_test(stmt.test)
               and any(not isinstance(e, cst.Raise) for e in _exits([stmt])) for stmt in block)


def _is_sentinel_test(test: cst.BaseExpression) -> bool:
    """`x is STOP`, `x == SENTINEL`, `x is None`: a check for an end marker, not for success."""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if isinstance(target.operator, (cst.Is, cst.Equal)) and isinstance(target.comparator, (cst.Name, cst.Attribute)):
            name = dotted_name(target.comparator) or ""
            return name not in ("True", "False")
    return False


def _statements_after(body: Sequence[cst.CSTNode], node: cst.CSTNode) -> Optional[List[cst.CSTNode]]:
    for index, stmt in enumerate(body):
        if stmt is node:
            return list(body[index + 1:])
        if isinstance(stmt, cst.With):
            inner = _statements_after(stmt.body.body, node)
            if inner is not None:
                return inner + list(body[index + 1:])
    return None


# a predicate that says whether to go round again: `needs_retry`, `_should_retry`, `retry_needed`
_RETRY_PREDICATE = re.compile(r"(?i)^_*(needs?|should|must)_?retry|^_*retry_?(needed|required)$")


def _callee_name(call: cst.Call) -> str:
    """The called function's own name: `_needs_retry` for `self._needs_retry(...)`."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def _flag_name(test: cst.BaseExpression) -> Optional[str]:
    """`while not done:` / `while retry:` / `while not self.ok:` -> the flag's last name."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Name):
        return test.value
    if isinstance(test, cst.Attribute):
        return test.attr.value
    return None
