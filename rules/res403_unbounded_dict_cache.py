"""RES403 unbounded-dict-cache: a module- or class-level container that grows at run time and is
never shrunk (reslint.analysis.caches)."""

from __future__ import annotations

from reslint.lazycst import cst

from reslint.analysis.caches import growing_containers, may_have_growing_container
from reslint.model import Severity
from reslint.rule import Rule

_VERBS = {"dict": "collects an entry", "defaultdict": "collects an entry", "set": "collects an item",
          "list": "collects an item"}


class UnboundedDictCache(Rule):
    """
    ## What it does
    Flags a module-level or class-level `dict`, `set`, `list`, `defaultdict`, `OrderedDict`,
    `Counter` or `deque` (without `maxlen`) that a function or method of the file inserts into
    with run-time keys (request ids, URLs, message text, timestamps), and that nothing in the
    file ever removes from, clears, replaces or checks the size of. It is reported where the
    container is defined, which is where its bound or eviction belongs, and names a function
    that grows it.

    The rule reports only what visibly carries run-time data: the key or item, or the local
    variables it is computed from, is named for it (`url`, `path`, `user_id`, `message.text`,
    `token`, `timestamp`, `info["serial"]`), or computed by a clock, a hash or an id
    (`time.time()`, `hashlib.sha256(...)`, `uuid4()`). Keys that may as well be configuration or
    program identifiers (`name`, `code`, `fmt`) are left alone: the rule cannot tell.

    ## Why is this bad?
    A module or a class lives as long as the process. A dictionary there that collects one entry
    per request, user, URL or message is a memory leak with a slow fuse: it passes every test,
    and a long-running server dies of it days later. Entries also go stale, since nothing
    refreshes them.

    ## Example
    ```python
    _thumbnails = {}

    def thumbnail(url: str) -> bytes:
        if url not in _thumbnails:
            _thumbnails[url] = render(download(url))
        return _thumbnails[url]
    ```

    ## Use instead
    ```python
    import functools

    @functools.lru_cache(maxsize=512)
    def thumbnail(url: str) -> bytes:
        return render(download(url))
    ```
    or a `cachetools.LRUCache` / `TTLCache`, a `weakref.WeakValueDictionary`, or an explicit
    eviction (`pop`, `clear`, a size check).

    Left alone, because they do not grow with run-time data: registries filled at import time
    (by a decorator, a class-creation hook such as `__init_subclass__` or a metaclass, or a
    function the module calls at import), constant keys, keys that are classes or other program
    objects (a parameter annotated with a class of the program, or one the function calls, hands
    to `inspect` or reads `__name__` of, and the `id()` of such a parameter), fields merged from a
    mapping passed by name (`config.update(msg_data)`: the keys are its schema's, not written in the
    call), keys checked against an
    allow-list before they are inserted, and keys a private helper only ever receives as
    literals, and functions named for registration (`register_...`) or that fill the table from
    modules they import. Left alone too, because the key space is closed: `counts[k] += 1` on a
    plain `dict` or `list` (it changes an entry; a missing key raises, so it never adds one), the
    `id()` of a class the function is given, keys from a loop over a class-level list the file
    never grows (`for field in self.default_fields`), a field that names a fixed table
    (`address["country"]`, a currency), and names where the data word only qualifies a part of the
    program (`key_id`, `class_id`, `url_patterns`, `date_format`). Left alone, because the process does not live long: command-line
    programs (a file in a `commands`, `scripts`, `cli` or `bin` folder, or one that runs as `__main__`).
    Left alone, because they are bounded or may be: containers the file pops, deletes
    from, clears, rebinds or measures with `len()`; weak dictionaries; a `deque` with `maxlen`;
    a container passed to code the rule cannot follow; a class-level default that instances
    replace (`self.x = {}`) or that a model library copies per instance (a pydantic, attrs or
    dataclass field).

    ## Known limitations
    Opt-in (select `RES403`): on whole distributions read by hand, most module-level tables that
    grow under data-looking keys were per-run state of a batch command, or keyed by configuration
    (client ids, connection settings) — things one file cannot tell from a leak in a server. Turn it
    on for a long-running service. A container keyed by run-time data whose names do not say so (`models[model_name]`, a list
    that objects append `self` to) is not reported. Only the file that defines the container is
    read: code elsewhere that clears it is not seen
    (the finding is then wrong; suppress it at the definition), and a container grown only from
    other modules is not reported.

    ## References
    - [`functools.lru_cache`](https://docs.python.org/3/library/functools.html#functools.lru_cache)
    - [`weakref.WeakValueDictionary`](https://docs.python.org/3/library/weakref.html#weakref.WeakValueDictionary)
    """

    code = "RES403"
    name = "unbounded-dict-cache"
    family = "unbounded-growth"
    severity = Severity.WARNING
    default_enabled = False
    triggers = (r"=\s*(?:\{|\[|set\(|dict\(|list\(|(?:collections\.)?(?:defaultdict|OrderedDict|Counter|deque)\()",)

    @classmethod
    def is_ast_candidate(cls, tree, text, options=None) -> bool:
        return may_have_growing_container(tree, text)

    def visit_Assign(self, node: cst.Assign) -> None:
        self._check(node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check(node)

    def _check(self, node: cst.CSTNode) -> None:
        growth = growing_containers(self.ctx).get(id(node))
        if growth is None:
            return
        container = growth.container
        owner = f"`{container.owner.name.value}.{growth.function.name.value}()`" if container.owner is not None \
            and growth.function in container.owner.body.body else f"`{growth.function.name.value}()`"
        message = (f"`{container.name}` {_VERBS.get(container.kind, 'grows')} on every call of {owner} and "
                   f"nothing ever removes one; bound it (an LRU cache, a size check) or evict entries")
        self.report(node, message)
