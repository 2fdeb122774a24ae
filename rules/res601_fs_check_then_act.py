"""RES601 fs-check-then-act: a path is checked, then acted on (recognised by reslint.analysis.races)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from reslint.lazycst import cst

from reslint.analysis.programs import is_build_step, is_test_module, runs_in_many_workers
from reslint.analysis.races import ast_fs_candidate, FS_CREATE_REMOVE, FsFinding, fs_check_then_act, kwarg
from reslint.model import Safety, Severity
from reslint.rule import Replace, Rule

_EAFP = {
    "makedirs": "pass `exist_ok=True` instead of checking first",
    "mkdir": "pass `exist_ok=True` (`os.makedirs` or `Path.mkdir`) or catch `FileExistsError` instead of checking first",
    "unlink": "catch `FileNotFoundError` (or `Path.unlink(missing_ok=True)`) instead of checking first",
    "remove": "catch `FileNotFoundError` instead of checking first",
    "rmdir": "catch `FileNotFoundError` instead of checking first",
    "rmtree": "catch `FileNotFoundError` instead of checking first",
    "open": "open it and catch `FileNotFoundError` (or use mode `'x'` to create exclusively) instead of checking first",
}
_DEFAULT_EAFP = "act and handle `FileNotFoundError` / `FileExistsError` instead of checking first (EAFP)"


@dataclass(frozen=True)
class Options:
    every_program: bool = field(
        default=False,
        metadata={"doc": "Report every check-then-act pair on a path, in any program and for every act "
                         "(reads, writes, moves and copies too). By default the rule reports only acts that "
                         "create or remove a path (`makedirs`, `mkdir`, `remove`, `unlink`, `rmdir`, "
                         "`rmtree`) in the modules of a Django application (not its tests), whose code "
                         "runs in many worker processes at once. Turn it on for other code that shares a directory between "
                         "processes (job workers, a spool, a build cache used by parallel builds)."},
    )


def _negated_single_check(test: cst.BaseExpression, call: cst.Call) -> bool:
    return isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) \
        and _unwrap(test.expression) is call


def _unwrap(expr: cst.BaseExpression) -> cst.BaseExpression:
    return expr


def _only_statement(node: cst.If) -> Optional[cst.Call]:
    """The call that is the whole body of an `if` with no `else`."""
    if node.orelse is not None:
        return None
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        smalls = body.body
    elif len(body.body) == 1 and isinstance(body.body[0], cst.SimpleStatementLine):
        smalls = body.body[0].body
    else:
        return None
    if len(smalls) == 1 and isinstance(smalls[0], cst.Expr) and isinstance(smalls[0].value, cst.Call):
        return smalls[0].value
    return None


def _with_keyword(call: cst.Call, keyword: str) -> cst.Call:
    args = list(call.args)
    new = cst.Arg(keyword=cst.Name(keyword), value=cst.Name("True"),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if args:
        last = args[-1]
        if last.comma is cst.MaybeSentinel.DEFAULT or isinstance(last.comma, cst.MaybeSentinel):
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new)
        else:
            args.append(new.with_changes(comma=last.comma))
            args[-2] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    else:
        args.append(new)
    return call.with_changes(args=args)


class FsCheckThenAct(Rule):
    """
    ## What it does
    Flags a filesystem check (`os.path.exists/isfile/isdir/lexists`, `os.access`,
    `Path.exists/is_file/is_dir`) followed, in the code the check decides, by an act on the same
    path (`open`, `os.remove/unlink/rmdir/rename/replace/makedirs/mkdir`, `shutil.rmtree/move/copy*`,
    `Path.unlink/mkdir/open/read_*/write_*/touch(exist_ok=False)`).

    With the default options it reports only where another process most likely shares the path
    and the lost race fails: acts that create or remove a path (`makedirs`, `mkdir`, `remove`,
    `unlink`, `rmdir`, `rmtree`) in the modules of a Django application, whose code runs in many
    worker processes at once (the WSGI/ASGI workers, task workers and management commands of one
    site share its media, cache and data directories), test modules and build steps excepted (a
    test's directories are its own; a module that imports `setuptools` builds in one process).
    `every-program = true` reports every pair, in any program.

    ## Why is this bad?
    The answer is stale as soon as it is given: another process (a parallel build, a second
    worker, a cleanup job, a user) can create or remove the path between the check and the act.
    The act then fails with the very error the check was meant to avoid (`FileExistsError` from
    `makedirs`, `FileNotFoundError` from `open` or `unlink`), usually in a branch nobody tested,
    or it overwrites a file that appeared in the window. Asking forgiveness (EAFP) has no window:
    make the call and handle the error, or pass the flag that makes the call tolerate the state.

    ## Example
    ```python
    import os

    from django.conf import settings

    def attachment_dir(ticket_id):
        path = os.path.join(settings.MEDIA_ROOT, "attachments", str(ticket_id))
        if not os.path.exists(path):
            os.makedirs(path)
        return path
    ```

    ## Use instead
    ```python
    import os

    from django.conf import settings

    def attachment_dir(ticket_id):
        path = os.path.join(settings.MEDIA_ROOT, "attachments", str(ticket_id))
        os.makedirs(path, exist_ok=True)
        return path
    ```
    and, for the other acts, open or remove first and handle the error:
    ```python
    def read_state(filename):
        try:
            with open(filename) as f:
                return f.read()
        except FileNotFoundError:
            return None
    ```

    "Same path" means the same name, the same attribute chain, or an equal expression
    (`os.path.join(root, name)`) whose names are not assigned between the check and the act. The
    decided code is the `if` body, its `elif`/`else` branches, and the code after the `if` when a
    branch leaves (`if not os.path.exists(p): return`). Left alone: different paths; acts that
    tolerate the race (`makedirs(exist_ok=True)`, `Path.unlink(missing_ok=True)`,
    `rmtree(ignore_errors=True)`, `touch()`); an act inside a `try` whose handler absorbs
    `FileNotFoundError`/`FileExistsError`/`OSError` without raising (or raising only for another
    error number: `if e.errno != errno.EEXIST: raise`), or inside `contextlib.suppress(...)` of one;
    a check whose own branch raises the error a lost race would raise (`if not os.path.isfile(p):
    raise FileNotFoundError(p)`, then `os.remove(p)`: the caller sees the same either way); code under a lock (`with lock:`, a lock-named context
    manager or decorator); paths only this process knows (`tempfile.mkdtemp()`,
    `TemporaryDirectory()`, pytest's `tmp_path`, an attribute some method binds to one, and names
    that say they hold one: `tmp_dir`, `self._tmp_file`); project functions that share a name with
    `shutil`'s (only resolved imports count); type checks (`isdir`, `is_file`) on entries a
    directory listing gave; command-line programs (a file in a `commands`, `scripts`, `cli` or
    `bin` folder, one that runs as `__main__` or parses its own `argparse` command line, and the
    body of a `click` / `typer` command: one process); Django migrations (run once); reads of a configuration file (the act only
    reads, and the path or the function says configuration: `config_dir / "settings.json"`,
    `def configure(...)`): a file the user writes, read when the program starts or is configured,
    whose lost race is an error the user caused and sees. A handler that turns the lost race into another
    error (`except OSError: raise ConfigError(...)`) does not make it clean.

    ## Fix safety
    Safe, where the `if` holds only the act and the check is its whole condition:
    `if not os.path.exists(p): os.makedirs(p)` becomes `os.makedirs(p, exist_ok=True)`,
    `if not p.exists(): p.mkdir(parents=True)` becomes `p.mkdir(parents=True, exist_ok=True)`, and
    `if p.exists(): p.unlink()` becomes `p.unlink(missing_ok=True)` (Python 3.8+). The other
    arguments are kept. Elsewhere there is no fix: the message says which error to handle.

    ## Known limitations
    Opt-in (select `RES601`). On whole distributions read by hand, most check-then-act pairs on
    paths outside web applications were in build steps, developer tooling, installers or plugins
    of command-line programs: one process, where nothing else touches the path, which one file
    cannot tell from a server's shared directory (2 of 12 sampled findings right). Hence the
    default scope above, which was right for 28 of 39 sampled findings on fresh Django
    distributions, short of the 11 in 12 a default rule needs. What it still gets wrong: code that
    only one process runs although it imports Django (a single-process server such as a game or
    a classroom server, a first-run setup, an upgrade step), paths private to one call that do
    not say so by name, and directories whose every writer holds a lock taken in another module
    (a repository lock, a task queue's exclusive resource). Micro frameworks (Flask, Starlette)
    are left out of the scope: they also serve the single-process UI of a tool or a device. Turn
    on `every-program` for code that shares a directory between processes in other ways (job
    workers, a spool, a cache used by parallel builds). A check stored in a variable
    (`exists = os.path.exists(p)`) is not followed, nor a path passed to a helper that opens it.
    A check whose answer only picks a message is not flagged, since nothing acts on the path in
    the decided code.

    ## References
    - [CWE-367: Time-of-check Time-of-use (TOCTOU) Race Condition](https://cwe.mitre.org/data/definitions/367.html)
    - [Python glossary: EAFP](https://docs.python.org/3/glossary.html#term-EAFP)
    - [`os.makedirs`](https://docs.python.org/3/library/os.html#os.makedirs) and
      [`Path.unlink`](https://docs.python.org/3/library/pathlib.html#pathlib.Path.unlink)
    """

    code = "RES601"
    name = "fs-check-then-act"
    family = "races"
    severity = Severity.WARNING
    default_enabled = False
    Options = Options
    fix_safety = Safety.SAFE
    # every check is called by one of these names, or imported under one
    triggers = ((r"\b(?:exists|isfile|isdir|lexists|access|is_file|is_dir)\b",
                 r"\b(?:open|remove|unlink|rmdir|removedirs|rename|renames|replace|makedirs|mkdir|rmtree|move"
                 r"|copy|copy2|copyfile|copytree|read_text|read_bytes|write_text|write_bytes|touch)\b"),)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        if getattr(options, "every_program", False):
            return ast_fs_candidate(tree)
        return ast_fs_candidate(tree, FS_CREATE_REMOVE, workers=True)

    def visit_If(self, node: cst.If) -> None:
        if self.options.every_program:
            found = fs_check_then_act(self.ctx, node, self.ctx.stack)
        elif runs_in_many_workers(self.ctx) and not is_test_module(self.ctx) and not is_build_step(self.ctx):
            found = fs_check_then_act(self.ctx, node, self.ctx.stack, FS_CREATE_REMOVE)
        else:
            return
        if found is None:
            return
        reported = self.ctx.memo(FsCheckThenAct, set)
        if id(found.act.call) in reported:
            return  # an outer check already named this act (`if exists(p): if isdir(p): rmtree(p)`)
        reported.add(id(found.act.call))
        fix = self._fix(found)
        act, check = found.act, found.check
        if fix is not None:
            advice = f"pass `{'missing_ok' if act.name == 'unlink' else 'exist_ok'}=True` instead of checking first"
        else:
            advice = _EAFP.get(act.name, _DEFAULT_EAFP)
        message = (f"`{check.shown}` is checked, then `{act.shown}` acts on the same path; another process can "
                   f"create or remove it in between; {advice}")
        self.report(act.call, message, fix=fix)

    def _fix(self, found: FsFinding) -> Optional[Replace]:
        node, act, check = found.if_node, found.act, found.check
        if _only_statement(node) is not act.call:
            return None
        negated = _negated_single_check(node.test, check.call)
        if act.name in ("makedirs", "mkdir") and negated and check.kind in ("exists", "isdir", "is_dir", "lexists"):
            if act.name == "mkdir" and not act.method:
                return None  # os.mkdir has no exist_ok
            if kwarg(act.call, "exist_ok") is not None:
                return None
            keyword = "exist_ok"
        elif act.name == "unlink" and act.method and node.test is check.call and check.kind in ("exists", "is_file"):
            if kwarg(act.call, "missing_ok") is not None or act.call.args:
                return None
            keyword = "missing_ok"
        else:
            return None
        new_call = _with_keyword(act.call, keyword)
        replacement = cst.SimpleStatementLine(body=[cst.Expr(new_call)], leading_lines=node.leading_lines)
        if isinstance(node.body, cst.IndentedBlock) and node.body.body:
            line = node.body.body[0]
            replacement = replacement.with_changes(trailing_whitespace=line.trailing_whitespace)
        return Replace(node, replacement, f"Replace the check with `{keyword}=True`")
