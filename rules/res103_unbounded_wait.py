"""RES103 unbounded-wait: a blocking wait with no timeout (the waits: reslint.analysis.timeouts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reslint.lazycst import cst

from reslint.analysis.calls import find_arg, is_none, may_pass
from reslint.analysis.reach import may_call
from reslint.analysis.timeouts import (
    LOCK_ACQUIRE,
    THREAD_JOIN,
    WAIT_BOUNDS,
    WAIT_FUNCTIONS,
    WAIT_METHODS,
    blocking_primitive,
    done_callback_future,
    emptiness_checked,
    hands_over,
    idles_forever,
    in_build_command,
    interactive_command,
    joined_by_executor,
    killed_before,
    monitor_wait,
    never_blocks,
    piped_from_quick,
    polled_until_exit,
    quick_command,
    resolve_call,
    sentinel_consumer,
    set_only_by_signal,
    unbounded_on_request,
    user_command,
)
from reslint.model import Severity
from reslint.rule import Rule
from reslint.triggers import importing


@dataclass(frozen=True)
class Options:
    check_thread_join: bool = field(
        default=False,
        metadata={"doc": "Also flag `Thread.join()` / `Process.join()` with no timeout."},
    )
    check_lock_acquire: bool = field(
        default=False,
        metadata={"doc": "Also flag `lock.acquire()` (blocking, no timeout) on threading/multiprocessing "
                         "locks and semaphores. `with lock:` is never flagged."},
    )


# waits a worker idles on until there is work
_IDLE_WAITS = frozenset({"queue.Queue.get", "threading.Event.wait", "threading.Condition.wait",
                         "threading.Condition.wait_for"})


class UnboundedWait(Rule):
    """
    ## What it does
    Flags a blocking wait with no timeout on something resolved in the file:
    `subprocess.run` / `call` / `check_call` / `check_output`, `Popen.wait()` and
    `Popen.communicate()`, `concurrent.futures` `Future.result()`, `wait()` and `as_completed()`,
    a blocking `queue.Queue.get()`, `threading.Event.wait()`, `Condition.wait()` /
    `wait_for()`, and multiprocessing `AsyncResult.get()`. `Thread.join()` and `Lock.acquire()`
    are opt-in (see Options).

    ## Why is this bad?
    A child process that hangs, a worker that dies before it sets the event, a producer that never
    puts the item: the waiting thread blocks forever, holding whatever it holds. Unlike a crash,
    nothing is logged; the service just stops making progress, and a deploy or a restart is the
    only way out.

    ## Example
    ```python
    import subprocess

    def render(path):
        return subprocess.run(["convert", path, "out.png"], check=True)
    ```

    ## Use instead
    ```python
    import subprocess

    def render(path):
        return subprocess.run(["convert", path, "out.png"], check=True, timeout=60)
    ```

    Left alone: a timeout given by keyword, position or possibly `**kwargs`; `queue.get(block=False)`
    and `get_nowait()`; receivers that cannot be resolved (for example a future taken from
    `as_completed()`, which is already done); asyncio queues and events, which are awaited, not
    blocking; `with lock:`. Also waits that return at once whatever happens:
    - a subprocess that cannot hang: a quick program given as a literal (`kill`, `pkill`,
      `killall`, `uname`, `id`, `ps`, `pgrep`, `which`, `date`, `lsof`, `sw_vers`, `sysctl`,
      `stty`, ...), macOS's `open` without `-W` (it hands the file to its application and
      returns), a shell line of them piped through standard filters (`ps aux | grep worker | wc -l`), a filter whose
      `stdin=` is the output of a `Popen` of one (`grep` reading `lsof`), a version or usage
      probe (`[tool, "--version"]`, `-version`, `-V`, `--help`, `[tool, "help"]`), a `python -c`
      snippet given as a literal that only imports and prints (`import sys;
      print(sys.executable)`, interpreter options allowed before `-c`) or does nothing (`[python,
      "-c", ""]`: does the interpreter start), also on the `Popen`
      built from one, a command line written as an f-string or `%`-formatted string whose
      literal part is one (`f"taskkill /PID {pid} /T"`, `"kill -9 %d" % pid`: each formatted
      value is read as one word), and also when the command is a local name that every binding
      in the function sets to such a literal (`argv = ["netstat", "-n"]`, `Popen(argv, ...)`;
      `cmd = ("tasklist", ...)` in one branch and `cmd = ("ps", "-p", pid)` in the other);
    - a subprocess run by a `setup.py` command (a method of a subclass of setuptools' or
      distutils' `Command`, or of a command they ship, such as `build_py`): a developer runs
      it at a terminal and watches it;
    - a program a person drives and quits: a pager or an editor (`man`, `less`, `more`, `vim`,
      `nano`, ..., also through a module constant `MAN = "man"`), or the program `$EDITOR`,
      `$VISUAL` or `$PAGER` names, or a program's own variable for them (`GIT_PAGER`,
      `MITMPROXY_EDITOR`), read in the call or in a local name of the function, each of whose
      assignments reads one or falls back to a pager or editor by name (`c =
      os.environ.get("PAGER")`, `if not c: c = "less"`), or looked up by a function of the
      module or a method of the class whose body reads such a variable (`c =
      self.get_editor()`, `_get_editor_command()`), also split into a command line in a local
      name (`cmd = shlex.split(c)`, `cmd.append(path)`, `[*shlex.split(c), path]`): the wait
      lasts as long as the user wants, and a timeout would close their editor;
    - a wait on the path where the function's own timeout parameter (a parameter whose name
      holds `timeout` or `deadline`) asks for no bound: the branch of `if timeout is None:` /
      `if not timeout:` / `if timeout == 0:`, the `else` of `if timeout:`; the caller chose to
      wait as long as it takes, as if `timeout=timeout` were passed on; in a method, the same
      test of a timeout the object was built with (`if self._put_timeout is None:`);
    - a program that hands over to its child: the wait's exit status is the program's own
      (`sys.exit(subprocess.call(cmd))`, `raise SystemExit(subprocess.run(cmd).returncode)`,
      `os._exit(proc.wait())`, click's or typer's `raise Exit(code=...)`), as `os.exec*` would
      do, also through a local name the very next statement exits with (`result =
      subprocess.run(cmd)`, `raise click.exceptions.Exit(code=result.returncode)`), or through
      a module function that returns the status when every call of it in the module hands it
      over so (`return subprocess.call([binary, *args])` in a helper called only as
      `sys.exit(run_binary(argv))`); a timeout would kill the program the user asked to run;
    - the user's own command from the program's command line, run in the foreground: the
      command or its first word is an attribute of the parsed arguments (`Popen(args.command)`,
      `args.cmd.copy()`, `shlex.split(args.filter)`, `[*args.wrapped, path]`) or a slice of
      `sys.argv`, in the call or through local names; the parsed arguments are a parameter
      annotated `argparse.Namespace`, the parameter of a function the module registers with
      `set_defaults(func=...)`, or a local bound to `parser.parse_args()`. A bound would kill
      legitimate long work the user asked for; Ctrl-C is theirs. A program the tool chose with
      the user's arguments (`["git", "clone", args.url]`) is still reported;
    - `communicate()` / `wait()` after a loop on the same process that ends only once the child
      has: `while proc.poll() is None:` with no `break`, or `while True:` whose every `break` is
      under a test that it ended (`rc = proc.poll()` ... `if not line and rc is not None:
      break`); run always or under `if timeout:` (the other path being the caller's choice);
    - the blocking half of a primitive a class implements: a method named as the standard
      library's blocking calls are (its last word `acquire`, `get`, `accept`, `wait`, `join`,
      `recv`, `receive`, `take`, `result`, `dequeue`, `next`, `lock`: a read-write lock's
      `lock()` / `read_lock()`), taking no timeout or blocking
      parameter, waiting on the object's own state (`self._cond`, `self._queue`), whose class
      also ends the same wait elsewhere (`self._cond.notify()` in
      `release`, `self._q.put(...)` in `put`): like `Queue.get()` or `Lock.acquire()` it
      promises to block until it can answer, and the bound belongs to its callers (subprocess
      waits are still reported there);
    - a worker idling on its object's own condition variable in the loop that tests the
      object's state, inside the worker's run loop (`while True:` ... `while not self.queue and
      not self.stopping: self.queue_cv.wait()`), when the class notifies that condition
      elsewhere (where work is added or the pool stops): the design of a pool, where a timeout
      would only make it go round the loop (a caller waiting that way for one reply or for
      capacity is still reported);
    - `as_completed(futures)`, `wait(futures)` and `future.result()` on futures bound inside a
      `with ThreadPoolExecutor() as ex:` block that has ended before the wait: leaving the block
      joined them all;
    - a `queue.get()` under a test that the same queue holds an item (`while not q.empty():`,
      `while q.empty() is False:`, `if q.qsize():`), as a single consumer does;
    - a worker's `job = q.get()` in a `while` loop that leaves when `job` is the end marker
      (`if job is None: break`, also after cleanup: `thread.join(); return`; also a field of an
      unpacked item: `kind, entry = q.get()`, `if entry == QUIT: break`): waiting for work until the producer says there is no more is
      the loop's design, and a timeout would only make it go round (the producer that may die
      before sending the marker is where a bound belongs);
    - `threading.Event().wait()` on an event made on the spot: nothing else can set it, so the
      wait forever is what the code means (a `serve_forever` that blocks the calling thread);
    - `exit_event.wait()` on a module-level event whose only `set()` calls are in functions
      the module registers as signal handlers (`signal.signal(signal.SIGTERM, stop)`,
      `loop.add_signal_handler(...)`): the main thread idles until the process is told to
      stop;
    - a worker idling on a queue, an event or a condition in a `while True:` loop with no
      `break` of its own and no `return` (a daemon's closer thread, a telemetry sender, a
      scheduler waiting for due tasks): the loop is meant never to end, nothing waits for it,
      and a timeout would only make it go round (a generator's loop is driven by its consumer
      and is still reported, as is a loop that can end);
    - `future.result()` / `future.exception()` in a function the module gives to
      `add_done_callback` (itself, `self._on_done`, or `functools.partial(_on_done, ...)`), on
      its last parameter: a done callback receives a finished future;
    - a consumer whose loop test is the end marker: `while (chunk := q.get()) is not EOF:`.

    Receivers are resolved within the file: `fut = executor.submit(...)`, `q = queue.Queue()`,
    `self._done = threading.Event()` (also set in a base class of the file), a parameter or a
    name annotated with the class (generic ones too: `queue.Queue[Job]`, `Popen[str]`), a
    multiprocessing manager's or context's `Queue()` / `Event()`, a loop variable over declared
    elements (`events: List[threading.Event]`, `queues: Dict[str, Queue]` with `.values()`),
    an attribute of objects declared as classes of the file (`child: Union[WorkerThread,
    ConsumerThread]` then `child.paused_event.wait()`), and a `Popen` returned by a method of
    the class annotated or built to return one. A `wait()`/`communicate()` after the process was
    killed in the same function (`proc.kill()`, `os.kill(proc.pid, SIGKILL)`) is left alone: it
    returns once the child is reaped. SIGTERM does not count: it can be trapped. So is one after
    the process was already waited for: a `communicate()` / `wait()` in a statement that runs
    before it on every path (earlier in its block or in a block around it; not in a branch
    beside it), with or without a timeout: had that one timed out, its exception would have
    left the block, and if it has none it is the one reported. A name bound to two processes
    in the function is not followed.

    ## Known limitations
    Objects passed in without an annotation, or whose class the file does not define, are not
    checked; a union of classes is resolved only when every member binds the attribute to the
    same type. `multiprocessing.SimpleQueue.get()` takes no timeout and is not reported. A
    blocking primitive method (`def get(self): return self._q.get()`) is left alone even when
    the wait it wraps can never end (a connection pool that nothing refills): its callers are
    not followed. A primitive whose other half lives outside its class (a module function
    that puts into the listener's queue) is still reported. A pager started by one method and
    waited for by another through an attribute (`self.pager_process.wait()`) is still
    reported: the command is not followed through the object's attributes and its
    constructor's callers. A pass-through whose status goes to the program's exit in another
    module, or several statements later, is still reported; so is a user's command from the
    program's configuration (a rebase `exec` line, a filter command) rather than its command
    line. A worker loop that ends on a marker tested after a condition's `wait_for` (not on
    the item a `get` returns) is still reported. The quick and interactive programs are known by name: a `ps` or `lsof` that
    hangs on a stale network mount is not foreseen. A helper that reads `$EDITOR` (or that falls back on
    one that does) is trusted to return an editor: one that reads it and then returns something
    else is not told apart.

    ## References
    - [`subprocess.run`](https://docs.python.org/3/library/subprocess.html#subprocess.run)
    - [`concurrent.futures.Future.result`](https://docs.python.org/3/library/concurrent.futures.html#concurrent.futures.Future.result)
    - [`queue.Queue.get`](https://docs.python.org/3/library/queue.html#queue.Queue.get)
    """

    code = "RES103"
    name = "unbounded-wait"
    family = "timeouts"
    severity = Severity.WARNING
    triggers = (importing(r"subprocess|concurrent|queue|threading|multiprocessing"),)
    Options = Options

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        methods = dict(WAIT_METHODS)
        if options is None or options.check_thread_join:
            methods.update(THREAD_JOIN)
        if options is None or options.check_lock_acquire:
            methods.update(LOCK_ACQUIRE)
        return may_call(tree, text, WAIT_FUNCTIONS, methods)

    def _methods(self):
        methods = getattr(self, "_all_methods", None)
        if methods is None:
            methods = dict(WAIT_METHODS)
            if self.options.check_thread_join:
                methods.update(THREAD_JOIN)
            if self.options.check_lock_acquire:
                methods.update(LOCK_ACQUIRE)
            self._all_methods = methods
        return methods

    def _cannot_hang(self, spec, node: cst.Call, receiver) -> bool:
        """The wait returns at once whatever happens: a quick command, futures an executor's
        `with` block already joined, a get on a queue just seen to hold an item."""
        display = spec.display
        if unbounded_on_request(self.ctx):
            return True  # `if timeout is None: proc.wait()`: the caller asked for no bound
        if display.startswith("subprocess."):
            origin = node if receiver is None else receiver.origin
            if quick_command(origin, self.ctx) or interactive_command(self.ctx, origin) \
                    or piped_from_quick(self.ctx, origin):
                return True
            if hands_over(self.ctx):
                return True  # `sys.exit(subprocess.call(cmd))`: the child is the rest of the program
            if user_command(self.ctx, origin):
                return True  # `Popen(args.command)`: the user's own command, run in the foreground
            if in_build_command(self.ctx):
                return True  # `python setup.py rpm`: a developer runs and watches it
            return isinstance(node.func, cst.Attribute) and receiver is not None \
                and (killed_before(self.ctx, node.func.value) or polled_until_exit(self.ctx, node.func.value))
        if isinstance(node.func, cst.Attribute) and blocking_primitive(self.ctx, node.func.value):
            return True  # `def acquire(self): ... self._cond.wait()`: the method is the blocking call
        if display == "threading.Condition.wait" and isinstance(node.func, cst.Attribute) \
                and monitor_wait(self.ctx, node.func.value):
            return True  # a worker idling on its own condition until the class notifies it
        if display in ("concurrent.futures.wait", "concurrent.futures.as_completed"):
            first = next((a.value for a in node.args if a.keyword is None and not a.star), None)
            return joined_by_executor(self.ctx, first)
        if display in ("concurrent.futures.Future.result", "concurrent.futures.Future.exception") \
                and isinstance(node.func, cst.Attribute):
            return joined_by_executor(self.ctx, node.func.value) or done_callback_future(self.ctx, node.func.value)
        if display in _IDLE_WAITS and idles_forever(self.ctx):
            return True  # `while True: job = q.get(); handle(job)`: a worker idling in a loop that never ends
        if display == "queue.Queue.get" and isinstance(node.func, cst.Attribute):
            return emptiness_checked(self.ctx, node.func.value) or sentinel_consumer(self.ctx, node)
        if display == "threading.Event.wait" and isinstance(node.func, cst.Attribute) \
                and isinstance(node.func.value, cst.Call):
            return True  # `threading.Event().wait()`: nobody can set it, the wait forever is the intent
        if display == "threading.Event.wait" and isinstance(node.func, cst.Attribute) \
                and set_only_by_signal(self.ctx, node.func.value):
            return True  # the main thread idles until a signal handler tells the process to stop
        return False

    def visit_Call(self, node: cst.Call) -> None:
        found = resolve_call(self.ctx, node, WAIT_FUNCTIONS, self._methods())
        if found is None:
            return
        spec, receiver = found
        given = find_arg(node, spec.keyword, spec.position)
        if given is not None and not is_none(given.value):
            return
        if given is None and may_pass(node, spec.keyword, spec.position):
            return
        if never_blocks(spec, node) or self._cannot_hang(spec, node, receiver):
            return
        bound = WAIT_BOUNDS.get(spec.display)
        advice = f" ({bound})" if bound else ""
        self.report(node.func, f"`{spec.display}` waits with no timeout; it can block forever{advice}")
