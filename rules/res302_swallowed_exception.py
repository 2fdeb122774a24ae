"""RES302 swallowed-exception: a broad handler that drops the error (reslint.analysis.handlers, .cleanup)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

from reslint.lazycst import cst

from reslint.analysis.cleanup import DEFAULT_CLEANUP_CALLS, is_cleanup_block, is_cleanup_function
from reslint.analysis.handlers import (
    ast_swallow_candidate,
    BROAD,
    calls_nothing,
    caught,
    cleanup_in_finally,
    configures_optional_import,
    clause_text,
    drops_error,
    falls_back,
    function_locals,
    keeps_default,
    lost_operations,
    only_logs,
    raises_after,
    reads_future,
    records_success,
    reports_outer_error,
)
from reslint.analysis.scopes import enclosing_function, in_loop
from reslint.model import Severity
from reslint.rule import Rule


@dataclass(frozen=True)
class Options:
    cleanup_calls: Tuple[str, ...] = field(
        default=DEFAULT_CLEANUP_CALLS,
        metadata={"doc": "Words that mark a call as best-effort cleanup when they are the called name "
                         "or its last word (`conn.close()`, `hotkeys_stop()`, `writer.wait_closed()`), "
                         "or, for close/shutdown/terminate/kill/disconnect/cleanup/stop/dispose/"
                         "teardown, its first word (`stop_server()`). A `try` whose body holds only such "
                         "calls, and a function named that way, may swallow errors. Set to `[]` to flag "
                         "those handlers too."},
    )


class SwallowedException(Rule):
    """
    ## What it does
    Flags a handler for `Exception`, `BaseException` or a bare `except:` whose body throws the error
    away: it holds only `pass`, `...`, a string, `continue`, `break`, `return` or `return None`. Also
    flags `contextlib.suppress(Exception)` (or `BaseException`).

    ## Why is this bad?
    Every failure in the `try` body, including bugs (`TypeError`, `AttributeError`), lost connections
    and full disks, disappears without a log line, a metric or an alert. The program carries on with a
    half-done operation and the first sign of trouble is wrong data or an outage much later, with
    nothing to trace it back to.

    ## Example
    ```python
    def publish(event):
        try:
            broker.send(event)
        except Exception:
            pass
    ```

    ## Use instead
    Catch the errors you expect and leave the rest to propagate, or at least record what happened:
    ```python
    def publish(event):
        try:
            broker.send(event)
        except Exception:
            logger.exception("could not publish %s", event.id)
    ```

    Left alone, because the error is handled or has nowhere better to go:
    - narrow handlers (`except KeyError: pass`), and handlers that log, re-raise, return a value or
      use the error;
    - a fallback: the handler only passes (or, in a loop, goes on with `continue`) and the `try`
      only computes values, so a failure leaves a default in place. Computing means assigning
      local names, keys or attributes of local objects, building local collections
      (`found.append(x)`), importing and `return`ing, in `if`/`for`/`with`/`try` blocks made of
      the same, with no call run for its effect (closing what it opened, `os.close(fd)`, is
      part of it) and no state-changing verb (`post`, `send`, `write`, `save`, `insert`, ...). The default in place is `return <value>` after the `try` (`return False`);
      a `return` in the `try` with code after it or a loop going on to the next candidate (a
      probe, or a chain of them ending in `return []`); names that all had a value before the
      `try` (`name = None` then an `if`/`elif` that computes it; temporaries read nowhere else
      need none); outside a loop, an optional key
      of a local dict left unset (`info["email"] = ...`, also `data["lang"] = lang = ...` and
      `info.update(parse(extra))`); or a `try` that ends by assigning a
      local name (the same as
      `except Exception: x = None`). The same holds for `with contextlib.suppress(Exception):`
      around such a computation (`local = set()` then `with suppress(Exception): local =
      await store.ls()`);
    - a search or a skip (an `assert` in it is a check, like an `if`): in a loop, a `try` that computes and ends the loop when it succeeds
      (`break`, `return`), or goes on to the next item when a check succeeds (`continue`), hands
      a failing candidate over to the next, and the code after the loop
      is the fallback (`for server in servers: try: if ok(server): self._api = server; break`
      ... `except Exception: continue`, or a `raise` after the loop); a handler that breaks
      out of a loop of computations (nothing awaited) keeps what was computed before the item
      that failed (`parts.append(int(piece))`); a loop over a literal of constants (`for path in
      "/var/run/utmp", "/run/utmp":`) is a search through fixed candidates, so a key left unset
      for one of them loses nothing; and `return` in a function that returns no value, after a
      computation that failed (`modified = os.stat(path).st_mtime`), only skips what is left;
    - a parameter reassigned in the `try` (`items = sorted(items, key=...)`): the caller's
      value is the default kept;
    - a probe with an `else` (`try: out = run(["git", "describe"]) except Exception: pass else:
      return parse(out)`), outside a loop over items: the `else` is the success path and a
      failure skips it; `except Exception: return None` right before `return None`, the same as
      `pass`; a filter (`try: if await info.tls_check(): found.extend(info.names)`), where a
      check that raises leaves out what it guards as a check that fails does; a `del` of a
      local key (`del data["_"]`); an optional field with a literal key of a record the function
      built, in a loop too (`record["out"] = load(fp)`);
    - awaiting a future or task that runs elsewhere (`await self._ready`, a name or attribute,
      not a call; also under `with suppress(Exception):`, as after `task.cancel()`), log lines
      beside it aside: only its outcome is read, as with `fut.result()`;
    - a `try` that holds no operation, whatever its handler does (returns `None`, skips the item,
      stops): no `await` or `yield`, and no call but work on plain data, that is builtin
      conversions (`int(x)`, `len(x)`), standard-library parsers (`json.loads(text)`,
      `datetime.datetime(y, m, d)`, `re.match(...)`, `urllib.parse.*`, `struct.unpack_from`;
      `linecache.getline`, which never raises), string methods (`page.index(marker)`,
      `url.split("/")`), a match's `m.group(1)`, and building or editing collections held in
      local names (`pics.extend(p["pic"]["pics"])`, `params.pop("page", None)`,
      `result.insert(0, value)`); lookups and returns of what was
      looked up (`return self.inodes[dev][inode]`), assignments (`v.__warningregistry__ = None`,
      a flag set under a check) included. What can fail there is the shape of the data, never
      an operation (a parse that skips a bad item, a lookup that falls back to `None`). Questions
      asked of the environment count as plain data too, because their failure means "not
      available here": `socket.gethostname()`, `getpass.getuser()`, `os.getlogin()`,
      `locale.*`, `tzlocal.get_localzone()`, `importlib.metadata.version(...)`, `shutil.which(...)`, `platform.*`,
      `os.stat(path)`, and the socket and file methods `getpeercert()`, `getpeername()`,
      `getsockname()`, `getsockopt()`, `isatty()`; so does setting a socket option
      (`sock.setsockopt(...)`, "if possible": a failure leaves the platform's default). At a
      module's top level the module's own names are local (`__all__.append("UnixSession")`
      after an optional import);
    - an optional dependency configured or used: the `try` imports something, then only calls
      things on it or on what it made from it (`from urllib3.exceptions import
      InsecureRequestWarning` then `warnings.simplefilter("ignore",
      category=InsecureRequestWarning)`; `import chardet`, `u = chardet.UniversalDetector()`,
      `u.feed(data)`, `return u.result["encoding"]`);
    - a `try` (or `with suppress(Exception):`) that only writes log lines (`logger.log(level,
      message)`, Twisted's `log.msg(...)`), also under an `if` with no call in its test that
      only decides whether to log (`if self.debug: log.msg(...)`): a failure of logging has
      nowhere left to be reported;
    - a failure while reporting a failure: a `try` inside an `except` handler that prints a
      traceback (`traceback.*`) or uses that handler's error, or inside a handler that catches
      everything and records the error itself (`self.log_info(...)`, then `try: request.error(500)`),
      has nowhere left to send its own;
    - a best-effort step on the way to a failure: the `try` (or `with suppress(Exception):`)
      is followed in its block by a `raise` (`conn.send_goaway()` in a `try`, then `raise ProtocolError(...)`), so the
      function reports a failure anyway;
    - a success flag: the handler only passes, the `try` ends by setting a local name to a
      constant (`can = 1` after `os.chdir(path)`; only assignments that call nothing may
      follow), the name had a value before the `try` (`can = 0`; inside a loop, in the same
      pass) and is read after it (`if can:`, `return can`): the flag records the failure and
      the code that reads it handles it;
    - a done-callback that only reads a future's outcome (`try: fut.result()`), which exists to
      keep asyncio from logging "exception was never retrieved";
    - best-effort cleanup: a `try` whose body holds only calls such as `conn.close()`,
      `os.unlink(tmp)`, `self._pool[key].close()` (see `cleanup-calls`; a closing verb such as
      `close`, `shutdown`, `stop` or `unregister` counts anywhere in a called name,
      `pool.force_close_all()`, and so do `__exit__` / `__aexit__`; a function looked up by name
      is named by the key's last word, `__salt__["file.remove"](tmp)`; a cleanup handed to an
      event loop counts too, `loop.call_soon_threadsafe(loop.stop)`, and so does an `if` whose
      branches all clean up, `if client is not None: client.disconnect()`, beside local names
      bound to values that call nothing, `client = shared.client`),
      and any handler inside
      `__del__`, `__exit__`, `__aexit__` or a function named for cleanup (`close`, `shutdown`,
      `tearDown`, `destroy`, `stop_server`, ...). Business verbs count only as the whole name or its last word,
      so `task.cancel()` is cleanup and `cancel_subscription()` is not;
    - cleanup by position: a `try` or `with suppress(Exception):` inside a `finally:` clause of
      the same function that keeps or passes on nothing (no `save`, `commit`, `write`, `send`,
      `publish`, `upload`, ...): the clause runs on the way out whatever happened, and an error
      raised there would replace the one the `try` may be propagating (`finally: with
      suppress(Exception): await self.remove_callback(cid)`).

    Still reported, because an operation whose failure matters is lost: a `try` that writes,
    sends, commits or changes shared state (`os.makedirs(dest)`, `db.insert(row)`,
    `self.pending -= len(queue.get_nowait())`, `self.items.append(x)`, `path.replace(target)`),
    even when a default would be kept; a success flag nothing reads, set before the operation,
    or set before a loop by any pass (`delivered = True`), which hides the passes that failed;
    items appended in a loop that silently drops the one whose
    operation failed (`pages.append(fetch(url))`); a handler that returns `None`, after a call
    that is not plain data, from a function whose callers then cannot tell a failure from
    "nothing".

    The message names what may have failed: the calls of the `try` that act or run for their
    effect (`a failure of `self.fs.rm()` or `self.fs.mkdir()``), else its first call.

    ## Known limitations
    Plain data is told by the called name: the environment queries are resolved through imports,
    but the socket and file methods above are known by their name only; a string method name (`split`, `index`, `lower`, ...)
    on another type counts as plain data too, and `dict.get`, which HTTP clients share, does not.
    A class held in a variable (`errors = (Exception,)`; `except errors:`) is not resolved. The
    state-changing verbs are read from the called name, so a computation named like one
    (`parser.send(token)`) counts as an operation.

    ## References
    - [Errors and exceptions](https://docs.python.org/3/tutorial/errors.html)
    - [`contextlib.suppress`](https://docs.python.org/3/library/contextlib.html#contextlib.suppress)
    """

    code = "RES302"
    other_tools_codes = ("BLE001", "S110", "S112", "B110", "B112", "W0718")  # flake8-blind-except; bandit / ruff: try-except-pass/continue; pylint: broad-exception-caught
    name = "swallowed-exception"
    family = "exceptions"
    severity = Severity.WARNING
    # `except:`, or `Exception`/`BaseException` within reach of an `except` (a comment inside a
    # multi-line clause may hold a colon, so the window is bounded by length, not by `:`); no
    # leading `\b`, so the regex engine can jump between occurrences of the literal
    triggers = (r"except\s*:", r"except\b[\s\S]{0,1000}?\b(?:Base)?Exception\b", r"suppress")
    Options = Options

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return ast_swallow_candidate(tree)

    def _is_broad(self, handler) -> bool:
        info = caught(handler, self.ctx.imports)
        return info.bare or info.catches_any(BROAD)

    def _scope(self, function):
        """The function around the node, else the module when the node sits at its top level (in
        no class body): the scope whose own names count as local."""
        if function is not None or any(isinstance(n, cst.ClassDef) for n in self.ctx.stack):
            return function
        return self.ctx.module

    def _exempt_context(self) -> bool:
        func = next((n for n in reversed(self.ctx.stack) if isinstance(n, (cst.FunctionDef, cst.Lambda))), None)
        return is_cleanup_function(func, self.options.cleanup_calls)

    def _check_handler(self, node) -> None:
        if not self._is_broad(node) or not drops_error(node.body):
            return
        parent = self.ctx.parent()
        if isinstance(parent, (cst.Try, cst.TryStar)):
            function = enclosing_function(self.ctx.stack)
            if (is_cleanup_block(parent.body, self.options.cleanup_calls)
                    or falls_back(parent, node, self.ctx.parent(2), function, in_loop(self.ctx.stack),
                                  self.ctx.stack[:-2])
                    or reads_future(parent.body) or only_logs(parent.body, self.ctx.imports)
                    or calls_nothing(parent.body, function_locals(self._scope(function)), self.ctx.imports)
                    or configures_optional_import(parent.body)
                    or raises_after(parent, self.ctx.parent(2))
                    or records_success(parent, node, function, self.ctx.stack[:-2])
                    or reports_outer_error(parent.body, self.ctx.stack[:-2], self.ctx.imports)
                    or cleanup_in_finally(parent.body, self.ctx.stack)):
                return
        if self._exempt_context():
            return
        clause = clause_text(self.ctx.module, node)
        lost = _describe(lost_operations(parent.body, self.ctx.imports)) if isinstance(parent, (cst.Try, cst.TryStar)) else ""
        self.report(node, f"`{clause}` swallows {lost or 'the error'}: the handler neither re-raises, "
                          f"logs nor uses it")

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self._check_handler(node)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        self._check_handler(node)

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.qualified_name(node.func) != "contextlib.suppress":
            return
        if not any(
            arg.keyword is None and arg.star == "" and self.ctx.qualified_name(arg.value) in BROAD
            for arg in node.args
        ):
            return
        item = self.ctx.parent()
        with_stmt = self.ctx.parent(2)
        if isinstance(item, cst.WithItem) and isinstance(with_stmt, cst.With):
            if is_cleanup_block(with_stmt.body, self.options.cleanup_calls) or reads_future(with_stmt.body) \
                    or cleanup_in_finally(with_stmt.body, self.ctx.stack) \
                    or only_logs(with_stmt.body, self.ctx.imports) or calls_nothing(
                        with_stmt.body, function_locals(self._scope(enclosing_function(self.ctx.stack))), self.ctx.imports):
                return
            # a preset default kept when the computation fails: `local = set()` then
            # `with suppress(Exception): local = listing()`
            if keeps_default(with_stmt.body, with_stmt, self.ctx.parent(3), enclosing_function(self.ctx.stack),
                             in_loop(self.ctx.stack), self.ctx.stack[:-3]) \
                    or raises_after(with_stmt, self.ctx.parent(3)):
                return
        if self._exempt_context():
            return
        args = ", ".join(" ".join(self.ctx.module.code_for_node(a.value).split()) for a in node.args)
        lost = _describe(lost_operations(with_stmt.body, self.ctx.imports)) if isinstance(with_stmt, cst.With) else ""
        self.report(node, f"`contextlib.suppress({args})` swallows every error in its block"
                          + (f", {lost} included" if lost else ""))


def _describe(operations) -> str:
    """`a failure of `conn.send()` or `db.commit()``, for the messages; empty without calls."""
    if not operations:
        return ""
    return "a failure of " + " or ".join(f"`{op}`" for op in operations)
