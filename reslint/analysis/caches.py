"""Caches and containers that grow: the library knowledge of the RES4 rules.

- :func:`cache_decorator`: is a decorator a memoising cache (``functools.cache``,
  ``functools.lru_cache``, ``cachetools``, ``async_lru``, or a configured one), and is it bounded;
- :func:`method_kind` and :func:`open_parameters`: what a cached function is keyed by;
- :func:`queue_call`: is a call a queue constructor, and does it bound the queue;
- :func:`growing_containers`: the module- and class-level containers of a file that functions
  insert into at run time and that nothing in the file ever shrinks, bounds or replaces.

Everything here answers questions; the rules decide what to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple

from ..lazycst import cst

from .blocks import statements
from .calls import find_arg, is_none
from .names import assignment_targets, dotted_name, names_in, target_names
from .programs import is_command_line_program

# -- memoising decorators ----------------------------------------------------------------------

# qualified name -> (display, default bound): True when the decorator is bounded unless told
# otherwise (`maxsize` defaults to a number), False when it never evicts
LRU_DECORATORS: Dict[str, bool] = {
    "functools.lru_cache": True,  # maxsize=128
    "cachetools.func.lru_cache": True,
    "cachetools.func.lfu_cache": True,
    "cachetools.func.fifo_cache": True,
    "cachetools.func.mru_cache": True,
    "cachetools.func.rr_cache": True,
    "cachetools.func.ttl_cache": True,
    "async_lru.alru_cache": True,
}
UNBOUNDED_DECORATORS = frozenset({"functools.cache"})
# decorators taking the cache object as their first argument (or `cache=`)
CACHE_OBJECT_DECORATORS = frozenset({"cachetools.cached", "cachetools.cachedmethod", "asyncache.cached"})
# constructors of caches that never evict
PLAIN_MAPPINGS = frozenset({"builtins.dict", "collections.OrderedDict", "collections.defaultdict"})

# decorators that make a method take no instance (static) or the class as its first parameter
STATIC_DECORATORS = frozenset({"builtins.staticmethod", "abc.abstractstaticmethod"})
CLASS_DECORATORS = frozenset({"builtins.classmethod", "abc.abstractclassmethod"})
CLASS_PARAMETER_NAMES = frozenset({"cls", "klass", "mcs", "mcls", "metacls"})
ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"})


@dataclass(frozen=True)
class CacheDecorator:
    """A memoising decorator as written."""

    node: cst.Decorator
    qualified: str
    display: str  # the decorator as the reader wrote it: `functools.lru_cache`, `cache`
    bounded: Optional[bool]  # False: never evicts; True: a size bound; None: cannot tell
    maxsize: Optional[cst.Arg] = None  # the argument that sets the bound, when written


def _decorator_call(decorator: cst.Decorator) -> Tuple[cst.BaseExpression, Optional[cst.Call]]:
    expr = decorator.decorator
    if isinstance(expr, cst.Call):
        return expr.func, expr
    return expr, None


def _maxsize_arg(call: cst.Call) -> Optional[cst.Arg]:
    return find_arg(call, "maxsize", 0)


def _bound_of(arg: Optional[cst.Arg], default: bool) -> Optional[bool]:
    """Whether a `maxsize` argument bounds the cache: None (the literal) never does; a positive
    number does; a name or an expression is taken as a bound (it was written to be one)."""
    if arg is None:
        return default
    value = arg.value
    if is_none(value):
        return False
    if isinstance(value, cst.Integer):
        return int(value.value, 0) > 0
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return False  # a negative maxsize means 0 entries for functools; take it as no bound to flag
    if isinstance(value, (cst.Name, cst.Attribute, cst.BinaryOperation, cst.Call, cst.Integer)):
        return True
    return None


def cache_decorator(ctx, decorator: cst.Decorator, extra: FrozenSet[str] = frozenset()) -> Optional[CacheDecorator]:
    """The memoising decorator ``decorator`` is, or None. ``extra`` holds qualified names of
    project decorators that cache without bound (from the rules' options)."""
    func, call = _decorator_call(decorator)
    qualified = ctx.qualified_name(func)
    if qualified is None:
        return None
    display = dotted_name(func) or qualified
    if qualified in UNBOUNDED_DECORATORS or qualified in extra:
        return CacheDecorator(decorator, qualified, display, False)
    if qualified in LRU_DECORATORS:
        if call is None:
            return CacheDecorator(decorator, qualified, display, True)
        if call.args and isinstance(call.args[0].value, (cst.FunctionDef, cst.Lambda)):
            return None
        arg = _maxsize_arg(call)
        if arg is None and any(a.star for a in call.args):
            return CacheDecorator(decorator, qualified, display, None)
        return CacheDecorator(decorator, qualified, display, _bound_of(arg, LRU_DECORATORS[qualified]), arg)
    if qualified in CACHE_OBJECT_DECORATORS and call is not None:
        arg = find_arg(call, "cache", 0)
        if arg is None:
            return None
        return CacheDecorator(decorator, qualified, display, _cache_object_bound(ctx, arg.value), arg)
    return None


def _cache_object_bound(ctx, value: cst.BaseExpression) -> Optional[bool]:
    if isinstance(value, cst.Dict) and not value.elements:
        return False
    if isinstance(value, cst.Call):
        qualified = ctx.qualified_name(value.func)
        if qualified in PLAIN_MAPPINGS:
            return False
        if qualified and qualified.startswith("cachetools."):
            return True
    return None


# -- what a cached function is keyed by --------------------------------------------------------

def decorator_names(ctx, func: cst.FunctionDef) -> Set[str]:
    out = set()
    for decorator in func.decorators:
        expr = _decorator_call(decorator)[0]
        out.add(ctx.qualified_name(expr) or dotted_name(expr) or "")
    return out


def all_parameters(func: cst.FunctionDef) -> List[cst.Param]:
    p = func.params
    out = list(p.posonly_params) + list(p.params)
    if isinstance(p.star_arg, cst.Param):
        out.append(p.star_arg)
    out.extend(p.kwonly_params)
    if p.star_kwarg is not None:
        out.append(p.star_kwarg)
    return out


def method_kind(ctx, func: cst.FunctionDef, owner: Optional[cst.ClassDef]) -> str:
    """`function` (not directly in a class body), `static`, `class` (a classmethod, or a def whose
    first parameter is the class by convention, wrapped later), or `instance`."""
    if owner is None:
        return "function"
    names = decorator_names(ctx, func)
    if names & STATIC_DECORATORS:
        return "static"
    if names & CLASS_DECORATORS:
        return "class"
    params = all_parameters(func)
    if not params or params[0].star:
        return "static"
    if params[0].name.value in CLASS_PARAMETER_NAMES:
        return "class"
    if func.name.value in ("__init_subclass__", "__class_getitem__", "__new__"):
        return "class"
    return "instance"


# annotations whose values are a small, closed set known when the program starts
_CLOSED_ANNOTATIONS = frozenset({
    "builtins.bool", "typing.Literal", "typing_extensions.Literal", "builtins.type", "typing.Type",
    # program objects: a memo over the functions, methods, modules and code of the program holds one
    # entry per object of the program
    "typing.Callable", "collections.abc.Callable", "types.FunctionType", "types.MethodType",
    "types.BuiltinFunctionType", "types.ModuleType", "types.CodeType",
})
# parameter names that, by convention, hold a class (one entry per class, program-lifetime keys)
_CLASS_NAMES = frozenset({"cls", "klass", "model", "model_class", "model_cls"})


def _annotation_expr(param: cst.Param) -> Optional[cst.BaseExpression]:
    if param.annotation is None:
        return None
    expr = param.annotation.annotation
    if isinstance(expr, cst.SimpleString):
        try:
            expr = cst.parse_expression(expr.evaluated_value)
        except Exception:  # noqa: BLE001 - an annotation we cannot read says nothing
            return None
    return expr


# parameter names (less a `_str` / `_name` suffix) whose values form a small fixed table: time zones
# (the IANA table), clock and calendar fields, a sign
_CLOSED_WORDS = frozenset({"tz", "tzname", "timezone", "zone", "hour", "hours", "minute", "minutes", "second",
                           "seconds", "weekday", "month", "sign",
                           # names of parts of the program and of its configuration: modules, import
                           # paths, URL confs, views, settings, backends, database aliases, apps
                           "module", "modname", "module_path", "import_path", "dotted_path", "urlconf",
                           "lookup_view", "setting", "backend", "backend_path", "alias", "using", "app_label",
                           "app_config", "dialect", "engine", "db_alias", "connection_alias",
                           # data types, devices and text codecs: small registries
                           "dtype", "device", "encoding", "codec",
                           # ISO tables: a few hundred values at most
                           "country", "currency"})
_FLAG_PREFIXES = ("is_", "has_", "use_", "enable_", "allow_", "include_", "with_")


def _closed_by_name(name: str) -> bool:
    if name in _CLASS_NAMES or name.endswith(("_cls", "_class")) or name.startswith(_FLAG_PREFIXES):
        return True
    for suffix in ("_str", "_name", "_string"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name in _CLOSED_WORDS or name.rsplit("_", 1)[-1] in ("tz", "timezone", "urlconf", "alias")


def is_closed_parameter(ctx, param: cst.Param, enums: FrozenSet[str], extra: FrozenSet[str]) -> bool:
    """Whether a parameter's values come from a small closed set: `bool`, a `Literal`, an enum
    (a class of this file deriving from `enum`, or a configured type), a class (`type[...]`, or a
    parameter named `cls`/`model` by convention), a flag (`is_...`, `include_...`), or a name that
    says its values come from a fixed table (a time zone, an hour, a minute, a sign)."""
    if _closed_by_name(param.name.value):
        return True
    expr = _annotation_expr(param)
    if expr is None:
        return False
    if isinstance(expr, cst.Subscript):
        head = ctx.qualified_name(expr.value) or dotted_name(expr.value) or ""
        if head in _CLOSED_ANNOTATIONS or head in extra:
            return True
        if head in ("typing.Optional",) and len(expr.slice) == 1:
            inner = expr.slice[0].slice
            return isinstance(inner, cst.Index) and _closed_expr(ctx, inner.value, enums, extra)
        return False
    return _closed_expr(ctx, expr, enums, extra)


def _closed_expr(ctx, expr: cst.BaseExpression, enums: FrozenSet[str], extra: FrozenSet[str]) -> bool:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):  # X | None
        parts = [expr.left, expr.right]
        return all(is_none(p) or _closed_expr(ctx, p, enums, extra) for p in parts)
    if isinstance(expr, cst.Subscript):
        head = ctx.qualified_name(expr.value) or dotted_name(expr.value) or ""
        return head in _CLOSED_ANNOTATIONS or head in extra
    name = dotted_name(expr)
    if name is None:
        return False
    qualified = ctx.qualified_name(expr) or name
    return qualified in _CLOSED_ANNOTATIONS or qualified in extra or name in enums or qualified in ENUM_BASES


def enum_classes(ctx) -> FrozenSet[str]:
    """Names of the classes of this file that derive from an `enum` class (directly or through
    another class of the file)."""

    def compute():
        classes = [s for s in statements(ctx.module.body, classes=True) if isinstance(s, cst.ClassDef)]
        found: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for cls in classes:
                if cls.name.value in found:
                    continue
                for base in cls.bases:
                    if base.keyword is not None:
                        continue
                    name = dotted_name(base.value) or ""
                    if name in found or ctx.qualified_name(base.value) in ENUM_BASES:
                        found.add(cls.name.value)
                        changed = True
                        break
        return frozenset(found)

    return ctx.memo(enum_classes, compute)


def open_parameters(ctx, func: cst.FunctionDef, kind: str, extra_closed: FrozenSet[str] = frozenset()) -> List[str]:
    """The parameters a cached function is keyed by whose domain is open (not self/cls, not a
    closed type)."""
    params = all_parameters(func)
    if kind in ("instance", "class") and params:
        params = params[1:]
    enums = enum_classes(ctx)
    return [p.name.value for p in params if not is_closed_parameter(ctx, p, enums, extra_closed)]


# -- queues --------------------------------------------------------------------------------------

# qualified constructor -> position of `maxsize` (None: the queue has no bound at all)
QUEUES: Dict[str, Optional[int]] = {
    "queue.Queue": 0,
    "queue.LifoQueue": 0,
    "queue.PriorityQueue": 0,
    "queue.SimpleQueue": None,
    "asyncio.Queue": 0,
    "asyncio.LifoQueue": 0,
    "asyncio.PriorityQueue": 0,
    "asyncio.queues.Queue": 0,
    "multiprocessing.Queue": 0,
    "multiprocessing.JoinableQueue": 0,
    "multiprocessing.SimpleQueue": None,
    "multiprocessing.queues.Queue": 0,
    "janus.Queue": 0,
    "gevent.queue.Queue": 0,
}


@dataclass(frozen=True)
class QueueCall:
    qualified: str
    display: str
    bounded: Optional[bool]  # False: no positive bound; None: cannot tell


def queue_call(ctx, call: cst.Call) -> Optional[QueueCall]:
    qualified = ctx.qualified_name(call.func)
    if qualified not in QUEUES:
        return None
    display = dotted_name(call.func) or qualified
    position = QUEUES[qualified]
    if position is None:
        return QueueCall(qualified, display, False)
    arg = find_arg(call, "maxsize", position)
    if arg is None:
        if any(a.star for a in call.args):
            return QueueCall(qualified, display, None)
        return QueueCall(qualified, display, False)
    value = arg.value
    if is_none(value):
        return QueueCall(qualified, display, False)
    if isinstance(value, cst.Integer):
        return QueueCall(qualified, display, int(value.value, 0) > 0)
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return QueueCall(qualified, display, False)
    return QueueCall(qualified, display, None)


# -- containers that grow ----------------------------------------------------------------------

# constructors of plain growing containers (weak mappings, bounded deques and caches are not)
CONTAINER_CONSTRUCTORS = {
    "builtins.dict": "dict", "builtins.list": "list", "builtins.set": "set",
    "collections.OrderedDict": "dict", "collections.defaultdict": "defaultdict",
    "collections.Counter": "defaultdict", "collections.deque": "list",
    "typing.OrderedDict": "dict", "typing.DefaultDict": "defaultdict",
}
GROW_METHODS = frozenset({"add", "append", "appendleft", "extend", "extendleft", "insert", "update",
                          "setdefault", "__setitem__"})
SHRINK_METHODS = frozenset({"pop", "popitem", "popleft", "clear", "remove", "discard", "__delitem__",
                            "difference_update", "intersection_update", "symmetric_difference_update",
                            "move_to_end"})
READ_METHODS = frozenset({"get", "items", "keys", "values", "copy", "count", "index", "issubset",
                          "issuperset", "isdisjoint", "union", "intersection", "difference",
                          "symmetric_difference", "most_common", "elements", "total", "__contains__",
                          "__getitem__", "__len__", "__iter__"})
# builtins that read a container they are given, never keep or change it
READ_BUILTINS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "dict", "any", "all", "iter",
                           "next", "enumerate", "zip", "reversed", "sum", "min", "max", "repr", "str",
                           "print", "bool", "isinstance", "id", "hash", "map", "filter", "format"})
# an import of one of these makes class-level annotated defaults per-instance copies
FIELD_LIBRARIES = ("pydantic", "attr", "attrs", "msgspec", "dataclasses", "marshmallow", "sqlmodel",
                   "django.db.models", "beanie", "odmantic", "mongoengine")
# class-creation hooks: what they insert runs once per class, at import
CLASS_CREATION_HOOKS = frozenset({"__init_subclass__", "__set_name__", "__class_getitem__"})
# annotations of keys that hold plain data (anything else is a program object)
DATA_TYPES = frozenset({
    "str", "bytes", "int", "float", "complex", "tuple", "Tuple", "Path", "PurePath", "PathLike",
    "datetime", "date", "time", "timedelta", "UUID", "Any", "Hashable", "object", "Text", "AnyStr",
    "StrPath", "URL", "Optional", "Union", "None", "list", "List", "dict", "Dict", "Sequence",
})


@dataclass
class Container:
    """A module- or class-level container and what the file does with it."""

    name: str  # `CACHE` or `Owner.cache`
    statement: cst.CSTNode  # the Assign / AnnAssign that defines it
    kind: str  # dict, defaultdict, list, set
    owner: Optional[cst.ClassDef] = None
    annotated: bool = False  # the class-level definition is annotated (not ClassVar)
    class_var: bool = False
    # (site, key or element, function, stored value)
    growth: List[Tuple[cst.CSTNode, Optional[cst.CSTNode], Optional[cst.FunctionDef], Optional[cst.CSTNode]]] = \
        field(default_factory=list)
    shrinks: bool = False  # removed from, cleared, rebound, size-checked
    escapes: bool = False  # used in a way the analysis cannot follow
    shadowed: bool = False  # an instance attribute of the same name hides it
    self_only: bool = True  # every growth goes through `self.<name>`
    looked_up_in: Set[int] = field(default_factory=set)  # ids of functions that read it by key or test membership


@dataclass(frozen=True)
class Growth:
    """A container that grows at run time: where it is defined and one function that grows it."""

    container: Container
    function: cst.FunctionDef
    site: cst.CSTNode


def _container_kind(ctx, value: Optional[cst.BaseExpression]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, cst.Dict):
        return "dict"
    if isinstance(value, cst.List):
        return "list"
    if isinstance(value, cst.Set):
        return "set"
    if isinstance(value, cst.Call):
        qualified = ctx.qualified_name(value.func)
        kind = CONTAINER_CONSTRUCTORS.get(qualified or "")
        if kind is None:
            return None
        if qualified == "collections.deque" and find_arg(value, "maxlen", 1) is not None:
            return None  # a bounded deque drops the oldest entries itself
        return kind
    return None


def _definition(ctx, small: cst.CSTNode) -> Optional[Tuple[str, Optional[str], bool, bool]]:
    """(name, kind, annotated, ClassVar) of `NAME = <container>` / `NAME: T = <container>`."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
        return small.targets[0].target.value, _container_kind(ctx, small.value), False, False
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
        annotation = small.annotation.annotation
        head = annotation.value if isinstance(annotation, cst.Subscript) else annotation
        class_var = (ctx.qualified_name(head) or "").endswith("ClassVar")
        return small.target.value, _container_kind(ctx, small.value), True, class_var
    return None


class _Scan:
    """One pass over the file: the containers and every use of them."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.module_containers: Dict[str, Container] = {}
        self.class_containers: Dict[str, Dict[str, Container]] = {}  # class name -> attr -> container
        self.classes: Dict[str, cst.ClassDef] = {}
        self.decorator_uses: Set[str] = set()  # names used as decorators anywhere
        self.called_at_import: Set[str] = set()  # functions called by module-level code
        self.called_in_functions: Set[str] = set()  # names called (`f()`, `x.f()`) inside functions
        self.literal_calls: Dict[str, List[cst.Call]] = {}  # function name -> calls of it
        self._collect_definitions()

    # ---- definitions
    def _collect_definitions(self) -> None:
        ctx = self.ctx
        seen: Dict[str, int] = {}
        for stmt in statements(ctx.module.body):
            if isinstance(stmt, cst.ClassDef):
                self._class(stmt)
                continue
            for small in _smalls(stmt):
                for target in assignment_targets(small):
                    for name in target_names(target):
                        seen[name] = seen.get(name, 0) + 1
                found = _definition(ctx, small)
                if found is None or found[1] is None:
                    continue
                name, kind, _, _ = found
                self.module_containers[name] = Container(name, small, kind)
        for name, count in seen.items():
            if count > 1:
                self.module_containers.pop(name, None)

    def _class(self, cls: cst.ClassDef) -> None:
        self.classes[cls.name.value] = cls
        table = self.class_containers.setdefault(cls.name.value, {})
        for stmt in cls.body.body:
            for small in _smalls(stmt):
                found = _definition(self.ctx, small)
                if found is None or found[1] is None:
                    continue
                name, kind, annotated, class_var = found
                table[name] = Container(f"{cls.name.value}.{name}", small, kind, cls, annotated, class_var)


def _smalls(stmt: cst.CSTNode) -> Sequence[cst.CSTNode]:
    return stmt.body if isinstance(stmt, cst.SimpleStatementLine) else (stmt,)


def _literal(expr: Optional[cst.BaseExpression]) -> bool:
    if expr is None:
        return False
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.Name) and expr.value in ("True", "False", "None"):
        return True
    if isinstance(expr, cst.Tuple):
        return all(_literal(e.value) for e in expr.elements)
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.attr.value.isupper():
        return True  # an enum member or a constant of a class
    if isinstance(expr, cst.Name) and expr.value.isupper() and len(expr.value) > 1:
        return True  # a module constant
    return False


class _Ancestors:
    """The ancestors of the node a walk is at (root first), read only when asked for."""

    __slots__ = ("path", "depth")

    def __init__(self, path: List[cst.CSTNode], depth: int):
        self.path = path
        self.depth = depth

    def get(self) -> Tuple[cst.CSTNode, ...]:
        return tuple(self.path[: self.depth])


def _walk_with_parents(root: cst.CSTNode) -> Iterator[Tuple[cst.CSTNode, _Ancestors]]:
    """Every node under ``root`` with its ancestors, nested scopes included. The ancestors object
    is valid only until the walk moves on; call ``.get()`` to keep them."""
    from ..walker import child_nodes

    path: List[cst.CSTNode] = []
    stack: List[Tuple[cst.CSTNode, int]] = [(root, 0)]
    view = _Ancestors(path, 0)
    while stack:
        node, depth = stack.pop()
        del path[depth:]
        view.depth = depth
        yield node, view
        path.append(node)
        for child in child_nodes(node):
            stack.append((child, depth + 1))


def _functions_on(ancestors: Sequence[cst.CSTNode]) -> List[cst.CSTNode]:
    return [a for a in ancestors if isinstance(a, (cst.FunctionDef, cst.Lambda))]


def _local_names(func: cst.FunctionDef) -> Tuple[Set[str], Set[str]]:
    """(names bound locally, names declared global) in a function's own body."""
    local: Set[str] = {p.name.value for p in all_parameters(func)}
    declared: Set[str] = set()
    for stmt in statements(func.body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            local.add(stmt.name.value)
        if isinstance(stmt, (cst.For,)):
            local.update(target_names(stmt.target))
        if isinstance(stmt, (cst.With,)):
            for item in stmt.items:
                if item.asname is not None:
                    local.update(target_names(item.asname.name))
        for small in _smalls(stmt):
            if isinstance(small, cst.Global):
                declared.update(n.name.value for n in small.names)
            if isinstance(small, cst.Nonlocal):
                declared.update(n.name.value for n in small.names)
            for target in assignment_targets(small):
                local.update(target_names(target))
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(getattr(small, "names", None), cst.ImportStar):
                for alias in small.names:
                    if alias.asname is not None:
                        local.update(target_names(alias.asname.name))
                    else:
                        local.add((dotted_name(alias.name) or "").split(".")[0])
    return local - declared, declared


def growing_containers(ctx) -> Dict[int, Growth]:
    """id(definition statement) -> :class:`Growth`, for every container of the file that a
    function inserts into with a run-time key and that nothing in the file shrinks."""
    return ctx.memo(growing_containers, lambda: _analyse(ctx))


def _analyse(ctx) -> Dict[int, Growth]:
    if is_command_line_program(ctx):
        return {}
    scan = _Scan(ctx)
    if not scan.module_containers and not any(scan.class_containers.values()):
        return {}
    locals_of: Dict[int, Tuple[Set[str], Set[str]]] = {}
    module = ctx.module
    uses_fields = any(
        (ctx.imports.aliases.get(local) or "").split(".")[0] in FIELD_LIBRARIES
        or (ctx.imports.aliases.get(local) or "").startswith(FIELD_LIBRARIES)
        for local in ctx.imports.aliases
    )
    function_defs: Dict[str, List[cst.FunctionDef]] = {}
    module_names = set(scan.module_containers)
    class_attrs = {attr for table in scan.class_containers.values() for attr in table}
    for node, view in _walk_with_parents(module):
        kind = type(node)
        if kind is cst.Name:
            if node.value in module_names:
                _use_of_module_name(scan, node, view.get(), locals_of)
            continue
        if kind is cst.Attribute:
            if node.attr.value in class_attrs:
                _use_of_class_attribute(scan, node, view.get())
            continue
        if kind is cst.Call:
            outside = not any(type(a) in (cst.FunctionDef, cst.Lambda) for a in view.path[: view.depth])
            called = node.func.value if isinstance(node.func, cst.Name) else \
                node.func.attr.value if isinstance(node.func, cst.Attribute) else None
            if isinstance(node.func, cst.Name):
                scan.literal_calls.setdefault(node.func.value, []).append(node)
            if called is not None:
                (scan.called_at_import if outside else scan.called_in_functions).add(called)
            continue
        if kind is cst.FunctionDef:
            function_defs.setdefault(node.name.value, []).append(node)
        if kind is cst.FunctionDef or kind is cst.ClassDef:
            for decorator in node.decorators:
                scan.decorator_uses.add((dotted_name(_decorator_call(decorator)[0]) or "").rsplit(".", 1)[-1])
    out: Dict[int, Growth] = {}
    containers = list(scan.module_containers.values())
    for table in scan.class_containers.values():
        containers.extend(table.values())
    for container in containers:
        if container.shrinks or container.escapes or container.shadowed or not container.growth:
            continue
        if container.owner is not None and container.self_only and container.annotated and \
                not container.class_var and (uses_fields or container.owner.decorators):
            continue  # a model field: the library copies the default for each instance
        for site, key, function, value in container.growth:
            if function is None or not _runtime_growth(scan, ctx, site, key, function, function_defs, container,
                                                       value):
                continue
            out[id(container.statement)] = Growth(container, function, site)
            break
    return out


def _use_of_module_name(scan: _Scan, node: cst.Name, ancestors, locals_of) -> None:
    container = scan.module_containers.get(node.value)
    if container is None or not ancestors:
        return
    parent = ancestors[-1]
    if parent is container.statement or isinstance(parent, (cst.AssignTarget,)) and ancestors[-2] is container.statement:
        return
    if isinstance(parent, cst.AnnAssign) and parent is container.statement:
        return
    if isinstance(parent, (cst.NameItem, cst.Param, cst.Annotation)):
        return
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return  # `x.CACHE` is another object's attribute
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return
    functions = [f for f in _functions_on(ancestors) if isinstance(f, cst.FunctionDef)]
    for func in functions:
        key = id(func)
        if key not in locals_of:
            locals_of[key] = _local_names(func)
        local, _ = locals_of[key]
        if node.value in local:
            return  # a local of the same name
    function = functions[-1] if functions else None
    _classify(container, node, ancestors, function, via_self=False)


def _use_of_class_attribute(scan: _Scan, node: cst.Attribute, ancestors) -> None:
    attr = node.attr.value
    receiver = node.value
    owner_name: Optional[str] = None
    via_self = False
    cls = next((a for a in reversed(ancestors) if isinstance(a, cst.ClassDef)), None)
    if isinstance(receiver, cst.Name):
        if receiver.value in scan.class_containers and attr in scan.class_containers[receiver.value]:
            owner_name = receiver.value
        elif receiver.value in ("self", "cls") and cls is not None:
            owner_name = cls.name.value
            via_self = receiver.value == "self"
    elif isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "type" \
            and cls is not None:
        owner_name = cls.name.value
    elif isinstance(receiver, cst.Attribute) and receiver.attr.value == "__class__" and cls is not None:
        owner_name = cls.name.value
    if owner_name is None:
        return
    container = scan.class_containers.get(owner_name, {}).get(attr)
    if container is None:
        return
    functions = [f for f in _functions_on(ancestors) if isinstance(f, cst.FunctionDef)]
    function = functions[-1] if functions else None
    _classify(container, node, ancestors, function, via_self=via_self)


def _is_target(ref: cst.CSTNode, ancestors) -> Optional[str]:
    """`assign` / `augassign` / `del` when ``ref`` is (part of) an assignment or `del` target."""
    for depth in range(len(ancestors) - 1, -1, -1):
        parent = ancestors[depth]
        child = ancestors[depth + 1] if depth + 1 < len(ancestors) else ref
        if isinstance(parent, (cst.Tuple, cst.List, cst.Element, cst.StarredElement)):
            continue
        if isinstance(parent, cst.AssignTarget):
            return "assign"
        if isinstance(parent, cst.AnnAssign) and parent.target is child:
            return "assign"
        if isinstance(parent, cst.AugAssign) and parent.target is child:
            return "augassign"
        if isinstance(parent, cst.Del):
            return "del"
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is child:
            return "assign"
        return None
    return None


def _classify(container: Container, ref: cst.CSTNode, ancestors, function, via_self: bool) -> None:
    parent = ancestors[-1]
    grand = ancestors[-2] if len(ancestors) > 1 else None
    target = _is_target(ref, ancestors)
    if target is not None:
        if target == "del":
            container.shrinks = True
        elif target == "augassign":
            _grow(container, ref, None, function, via_self, None)
        elif container.owner is not None and via_self:
            container.shadowed = True  # `self.cache = {}`: each instance has its own
        elif function is not None:
            container.shrinks = True  # rebound to a new container at run time: a reset
        return
    if isinstance(parent, cst.Attribute) and parent.value is ref:
        method = parent.attr.value
        if method in SHRINK_METHODS:
            container.shrinks = True
        elif method in GROW_METHODS and isinstance(grand, cst.Call) and grand.func is parent:
            key = grand.args[0].value if grand.args and not grand.args[0].star else None
            value = key if method not in ("setdefault", "__setitem__") else \
                (grand.args[1].value if len(grand.args) > 1 else None)
            if method == "setdefault" and isinstance(value, (cst.List, cst.Dict, cst.Set, cst.Tuple)) and \
                    not getattr(value, "elements", None):
                value = None  # `setdefault(key, [])`: what is stored is appended later
            if method == "update" and container.kind in ("dict", "defaultdict"):
                key = value = _merged_keys(grand)
            _grow(container, grand, key, function, via_self, value)
        elif method in READ_METHODS:
            container.looked_up_in.add(id(function))
        else:
            container.escapes = True
        return
    if isinstance(parent, cst.Subscript) and parent.value is ref:
        target = _is_target(parent, ancestors[:-1])
        index = parent.slice[0].slice if len(parent.slice) == 1 else None
        if len(parent.slice) > 1 and all(isinstance(e.slice, cst.Index) for e in parent.slice):
            # `cache["file", name]`: the key is the tuple of the elements
            index = cst.Index(value=cst.Tuple(elements=[cst.Element(value=e.slice.value) for e in parent.slice]))
        if target == "del":
            container.shrinks = True
        elif target in ("assign", "augassign"):
            if isinstance(index, cst.Slice):
                container.shrinks = True  # `cache[:] = ...` replaces the contents
            elif target == "augassign" and container.kind != "defaultdict":
                # `counts[k] += 1` on a plain dict or list raises for a missing key: it changes an
                # entry, it never adds one
                container.looked_up_in.add(id(function))
            else:
                key = index.value if isinstance(index, cst.Index) else None
                assign = next((a for a in reversed(ancestors) if isinstance(a, (cst.Assign, cst.AugAssign))), None)
                _grow(container, parent, key, function, via_self, getattr(assign, "value", None))
        elif container.kind == "defaultdict":
            _grow(container, parent, index.value if isinstance(index, cst.Index) else None, function, via_self,
                  None)
        else:
            container.looked_up_in.add(id(function))
        return
    if isinstance(parent, (cst.ComparisonTarget, cst.Comparison)):
        container.looked_up_in.add(id(function))  # a membership test
        return
    if isinstance(parent, (cst.For, cst.CompFor, cst.Await, cst.Expr, cst.If, cst.While, cst.BooleanOperation,
                           cst.UnaryOperation, cst.FormattedStringExpression)):
        return  # read: a loop, a truth test
    if isinstance(parent, cst.Arg) and isinstance(grand, cst.Call):
        callee = grand.func
        if isinstance(callee, cst.Name) and callee.value == "len":
            container.shrinks = True  # a size check: the code bounds it somewhere
            return
        if isinstance(callee, cst.Name) and callee.value in READ_BUILTINS:
            return
        if isinstance(callee, cst.Attribute) and callee.attr.value in ("join", "format", "debug", "info",
                                                                       "warning", "error", "exception"):
            return
    container.escapes = True


def _merged_keys(call: cst.Call) -> Optional[cst.BaseExpression]:
    """The keys `mapping.update(...)` adds, when the call writes them: those of a dict display
    (`{url: page}`) or the key of a dict comprehension. Keywords are literal keys; a mapping passed
    by name (`update(msg_data)`, `update(defaults)`) adds the fields it has, a schema the call does
    not show: None, nothing to judge."""
    if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
        return None
    arg = call.args[0].value
    if isinstance(arg, cst.DictComp):
        return arg.key
    if isinstance(arg, cst.Dict):
        keys = [e.key for e in arg.elements if isinstance(e, cst.DictElement)]
        if keys:
            return cst.Tuple(elements=[cst.Element(value=k) for k in keys])
    return None


def _grow(container: Container, site, key, function, via_self: bool, value) -> None:
    if not via_self:
        container.self_only = False
    container.growth.append((site, key, function, value))


def _runtime_growth(scan: _Scan, ctx, site, key, function: cst.FunctionDef, function_defs, container: Container,
                    value=None) -> bool:
    """Whether an insertion runs with run-time data, not once per class, decorator or import."""
    name = function.name.value
    if name in CLASS_CREATION_HOOKS or name in scan.decorator_uses or name in scan.called_at_import:
        return False
    if _registration(scan, function, key, value, container):
        return False
    path = _path_to(function, site)
    if _filled_once(path, scan) or (key is not None and _key_from_constant_loop(path, key, function, scan)):
        return False
    if _is_decorator(function, function_defs):
        return False
    if key is not None and _literal(key):
        return False
    if key is not None and _object_key(ctx, key, function):
        return False
    if key is not None and _closed_parameter_key(scan, key, function):
        return False
    if key is not None and _closed_name_key(key):
        return False
    if _allow_listed(path, container):
        return False
    owner = _owner_class(scan, function)
    if owner is not None and _is_metaclass(ctx, owner) and name in ("__new__", "__init__", "__call__"):
        return False
    objects = frozenset(program_object_parameters(ctx, function))
    if isinstance(key, cst.Name) and key.value in objects:
        return False  # keyed by a function or class the caller hands over
    return _carries_run_time_data(function, key if key is not None else value, objects)


# words that, as a part of a name (`user_id`, `request.path`, `url_hash`), say a value comes from the
# data a service handles, one new value per request, message, user or moment
RUN_TIME_WORDS = frozenset({
    "url", "urls", "uri", "path", "paths", "file", "files", "filename", "fname", "link", "href", "host",
    "hostname", "ip", "addr", "address", "user", "users", "username", "email", "token", "session", "request",
    "req", "message", "msg", "text", "topic", "query", "payload", "event", "jid", "peer", "client", "sender",
    "recipient", "channel", "chat", "account", "customer", "tenant", "org", "id", "ids", "uuid", "guid", "ts",
    "timestamp", "time", "date", "datetime", "now", "hash", "digest", "checksum", "etag", "serial",
    "connection", "conn", "socket", "task", "job", "order", "cart", "query", "response", "resp",
})
_RUN_TIME_CALLS = frozenset({"hash", "id", "uuid4", "uuid1", "time", "monotonic", "perf_counter", "now", "utcnow",
                             "today", "fromtimestamp", "sha1", "sha256", "md5", "blake2b", "hexdigest"})


def _name_words(name: str) -> Iterator[str]:
    import re

    for part in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name):
        if part:
            yield part.lower()


# words that, before `id` (`key_id`, `class_id`, `app_id`), say the id names a part of the program
# or of its configuration, not a record of the data it handles
_PROGRAM_OBJECT_WORDS = frozenset({"key", "app", "application", "class", "cls", "type", "kind", "field", "plugin",
                                   "module", "setting", "settings", "config", "backend", "provider", "widget"})


# words that, after a data word (`url_patterns`, `date_format`, `user_model`), say the name is about
# the shape of the data, a part of the program, not one value of it
_SCHEMA_WORDS = frozenset({"pattern", "patterns", "rule", "rules", "route", "routes", "conf", "config",
                           "template", "templates", "format", "formats", "fmt", "type", "types", "class",
                           "model", "models", "field", "fields", "setting", "settings", "schema", "regex", "re"})


def _data_name(name: str) -> bool:
    """A name says it holds run-time data: one of its words is a data word (`url`, `user_id`),
    except an `id` that only qualifies a program object (`key_id`, `class_id`) and a data word
    that only qualifies the shape of the data (`url_patterns`, `date_format`)."""
    words = list(_name_words(name))
    for index, word in enumerate(words):
        if word not in RUN_TIME_WORDS:
            continue
        if word in ("id", "ids") and index > 0 and words[index - 1] in _PROGRAM_OBJECT_WORDS:
            continue
        if index + 1 < len(words) and words[index + 1] in _SCHEMA_WORDS:
            continue
        return True
    return False


def _of_class_parameter(function: cst.FunctionDef, call: cst.Call, objects: FrozenSet[str] = frozenset()) -> bool:
    """`id(klass)` / `hash(cls)` / `id(func)`: the id of a class or function the function was given
    (a parameter named or annotated as a class, or one the body treats as a program object:
    :func:`program_object_parameters`), one per object of the program."""
    if len(call.args) != 1 or not isinstance(call.args[0].value, cst.Name):
        return False
    name = call.args[0].value.value
    if name in objects:
        return True
    for param in all_parameters(function):
        if param.name.value != name:
            continue
        if name in CLASS_PARAMETER_NAMES or name in _CLASS_NAMES or name.endswith(("_cls", "_class")):
            return True
        expr = _annotation_expr(param)
        head = expr.value if isinstance(expr, cst.Subscript) else None
        return head is not None and (dotted_name(head) or "").rsplit(".", 1)[-1] in ("type", "Type")
    return False


def _from_options_or_package(function: cst.FunctionDef, key: cst.CSTNode,
                             assigned: Dict[str, List[cst.CSTNode]]) -> bool:
    """The key is an option name (a loop over the function's `**kwargs`) or a path built from the
    module's own `__file__` (a data file shipped with the package): a fixed set either way."""

    star = function.params.star_kwarg
    star_name = star.name.value if isinstance(star, cst.Param) else None
    names = names_in(key)
    for name in names:
        for value in assigned.get(name, ()):
            inner = names_in(value)
            if star_name is not None and star_name in inner:
                return True
            if "__file__" in inner:
                return True
    return "__file__" in names


def _carries_run_time_data(function: cst.FunctionDef, key: Optional[cst.CSTNode],
                           objects: FrozenSet[str] = frozenset()) -> bool:
    """Whether what is inserted is visibly run-time data: its names (or those of the local
    variables it is computed from, two steps back) say so (`url`, `user_id`, `message.text`,
    `timestamp`), or it is computed by a clock, a hash or an id (`time.time()`, `hash(text)`,
    `uuid4()`). Without such evidence the values may be configuration or program identifiers, a
    small fixed set: the rule stays silent."""
    if key is None:
        return False
    from .blocks import find_all

    assigned: Dict[str, List[cst.CSTNode]] = {}
    for stmt in statements(function.body):
        for small in _smalls(stmt):
            value = getattr(small, "value", None)
            if value is None:
                continue
            for target in assignment_targets(small):
                for name in target_names(target):
                    assigned.setdefault(name, []).append(value)
        if isinstance(stmt, cst.For):
            for name in target_names(stmt.target):
                assigned.setdefault(name, []).append(stmt.iter)
    if _from_options_or_package(function, key, assigned):
        return False
    params = {p.name.value for p in all_parameters(function)}

    def object_id(value) -> bool:
        return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and \
            value.func.value in ("id", "hash") and _of_class_parameter(function, value, objects)

    # locals that only ever hold the id of a program object (`func_id = id(func)`): their values
    # say what they are, whatever their names
    object_ids = {name for name, values in assigned.items()
                  if name not in params and values and all(object_id(v) for v in values)}
    todo = [(key, 0)]
    seen: Set[int] = set()
    while todo:
        expr, depth = todo.pop()
        if id(expr) in seen:
            continue
        seen.add(id(expr))
        callees: Set[int] = set()
        for call in find_all(expr, cst.Call):
            func = call.func
            last = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
            if last in ("id", "hash") and _of_class_parameter(function, call, objects):
                callees.add(id(func))  # the id of a class: one per class, not data
                continue
            if last in _RUN_TIME_CALLS:
                return True
        for node in find_all(expr, cst.Name):
            if node.value in ("self", "cls") or id(node) in callees or node.value in object_ids:
                continue
            if _data_name(node.value):
                return True
            if depth < 2 and node.value in assigned and node.value not in params:
                todo.extend((value, depth + 1) for value in assigned[node.value])
        for sub in find_all(expr, cst.Subscript):  # `info["serial"]`: the field names the data
            for element in sub.slice:
                value = getattr(element.slice, "value", None)
                if isinstance(value, cst.SimpleString) and \
                        any(word in RUN_TIME_WORDS for word in _name_words(str(value.evaluated_value))):
                    return True
    return False


def _owner_class(scan: _Scan, function: cst.FunctionDef) -> Optional[cst.ClassDef]:
    for cls in scan.classes.values():
        if function in cls.body.body:
            return cls
    return None


def _is_metaclass(ctx, cls: cst.ClassDef) -> bool:
    return any(ctx.qualified_name(b.value) in ("builtins.type", "abc.ABCMeta") for b in cls.bases)


def _is_decorator(function: cst.FunctionDef, function_defs) -> bool:
    """A function that returns what it was given or a function it defines, taking a callable
    first: it runs once per decorated function, at import."""
    params = [p.name.value for p in all_parameters(function) if p.name.value not in ("self", "cls")]
    inner = {s.name.value for s in statements(function.body) if isinstance(s, (cst.FunctionDef, cst.ClassDef))}
    for stmt in statements(function.body):
        for small in _smalls(stmt):
            if isinstance(small, cst.Return) and isinstance(small.value, cst.Name):
                returned = small.value.value
                if (params and returned == params[0] and params[0] in ("f", "fn", "func", "function", "cls",
                                                                          "klass", "wrapped", "method", "obj")) \
                        or (returned in inner and params and params[0] in ("f", "fn", "func", "function",
                                                                           "wrapped", "method")):
                    return True
    # an inner function its enclosing function returns: a decorator made by a factory
    for defs in function_defs.values():
        for outer in defs:
            if outer is function:
                continue
            if function in outer.body.body if isinstance(outer.body, cst.IndentedBlock) else False:
                for stmt in statements(outer.body):
                    for small in _smalls(stmt):
                        if isinstance(small, cst.Return) and isinstance(small.value, cst.Name) and \
                                small.value.value == function.name.value:
                            return True
    return False


def _object_key(ctx, key: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    """The key is a parameter annotated with a class of the program (not a string, number, path
    or other data), or a class: one entry per program object, not per request."""
    if isinstance(key, cst.Call) and isinstance(key.func, cst.Name) and key.func.value == "type":
        return True
    if isinstance(key, cst.Attribute) and key.attr.value == "__class__":
        return True
    if not isinstance(key, cst.Name):
        return False
    if key.value == "cls":
        return True
    for param in all_parameters(function):
        if param.name.value != key.value:
            continue
        expr = _annotation_expr(param)
        if expr is None:
            return False
        names = names_in(expr)
        return bool(names) and not names <= DATA_TYPES
    return False


def _closed_parameter_key(scan: _Scan, key: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    """The key is a parameter of a private function that the file only ever calls with literals
    for it (a warn-once helper keyed by message ids chosen in code)."""
    if not isinstance(key, cst.Name) or not function.name.value.startswith("_"):
        return False
    params = all_parameters(function)
    position = next((i for i, p in enumerate(params) if p.name.value == key.value), None)
    if position is None:
        return False
    if params and params[0].name.value in ("self", "cls"):
        position -= 1
    calls = scan.literal_calls.get(function.name.value, [])
    if not calls:
        return False
    for call in calls:
        arg = find_arg(call, key.value, position if position >= 0 else None)
        if arg is None or not (_literal(arg.value) or _template(arg.value)):
            return False
    return True


def _closed_name_key(key: cst.BaseExpression) -> bool:
    """The key is named as a value of a fixed table (`self.alias`, `connection.alias`, `tz`)."""
    if isinstance(key, cst.Name):
        return _closed_by_name(key.value) and key.value not in ("model",)
    if isinstance(key, cst.Attribute):
        return _closed_by_name(key.attr.value) and key.attr.value not in ("model",)
    if isinstance(key, cst.Call) and isinstance(key.func, cst.Name) and key.func.value in ("str", "int") and \
            len(key.args) == 1:
        return _closed_name_key(key.args[0].value)  # `str(address["country"])`
    if isinstance(key, cst.Subscript) and len(key.slice) == 1:
        # `address["country"]`: the field names the table its values come from
        value = getattr(key.slice[0].slice, "value", None)
        return isinstance(value, cst.SimpleString) and _closed_by_name(str(value.evaluated_value))
    return False


def _template(expr: cst.BaseExpression) -> bool:
    """An f-string whose text is chosen in code: it has literal text, and what it formats is plain
    names (`f"env-shadow:{name}"`)."""
    if not isinstance(expr, cst.FormattedString):
        return False
    text = [p for p in expr.parts if isinstance(p, cst.FormattedStringText) and p.value.strip()]
    values = [p for p in expr.parts if isinstance(p, cst.FormattedStringExpression)]
    return bool(text) and all(isinstance(v.expression, cst.Name) for v in values)


def _parameter_root(expr: Optional[cst.CSTNode], params: Set[str]) -> bool:
    """``expr`` is a parameter or what names one (`func`, `cls.__name__`, `f.__code__`), not data
    read from it (`message.text`)."""
    if isinstance(expr, cst.Attribute):
        attr = expr.attr.value
        if not (attr.startswith("__") or attr == "name"):
            return False
        expr = expr.value
    return isinstance(expr, cst.Name) and expr.value in params


_IMPORTERS = frozenset({"importlib.import_module", "builtins.__import__", "importlib.metadata.entry_points",
                        "pkg_resources.iter_entry_points"})


def _registration(scan: _Scan, function: cst.FunctionDef, key, value, container: Container) -> bool:
    """A registration API: a function named for it (`register_backend`), one that fills the table
    from the modules it imports (a lazy plugin loader), or one that stores what it is given
    (`REGISTRY[name] = func`, `HANDLERS.append(handler)`) without first checking what the table
    holds, and that nothing in this file calls from a function body (it is called at import time,
    by the modules that register)."""
    if "register" in function.name.value.lower():
        return True
    from .blocks import find_all

    for call in find_all(function, cst.Call):
        if (scan.ctx.qualified_name(call.func) or "") in _IMPORTERS:
            return True
    if function.name.value in scan.called_in_functions or id(function) in container.looked_up_in:
        return False  # called at run time, or a cache / seen-set that checks what it holds
    params = {p.name.value for p in all_parameters(function)} - {"self", "cls"}
    if not params:
        return False
    stored = [e for e in (key, value) if e is not None]
    return bool(stored) and all(_parameter_root(e, params) for e in stored)


def _filled_once(path: Sequence[cst.CSTNode], scan: _Scan) -> bool:
    """The insertion runs only while a module- or class-level collection is still empty or unset
    (`if not TABLE:`, `if cls._table is None:`): a lazy one-time fill."""
    containers = set(scan.module_containers) | {a for t in scan.class_containers.values() for a in t}

    def is_container(expr) -> bool:
        name = expr.value if isinstance(expr, cst.Name) else expr.attr.value if isinstance(expr, cst.Attribute) \
            else None
        return name in containers

    for node in path:
        if not isinstance(node, cst.If):
            continue
        test = node.test
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not) and \
                is_container(test.expression):
            return True
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and \
                isinstance(test.comparisons[0].operator, cst.Is) and is_none(test.comparisons[0].comparator) and \
                is_container(test.left):
            return True
    return False


def _constant_collection(expr: cst.BaseExpression) -> bool:
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
        return all(_literal(e.value) or isinstance(e.value, (cst.Name, cst.Attribute)) for e in expr.elements)
    last = expr.attr.value if isinstance(expr, cst.Attribute) else expr.value if isinstance(expr, cst.Name) else ""
    return len(last) > 1 and last.isupper()


def _local_constant(function: cst.FunctionDef, name: str) -> bool:
    """``name`` is assigned once in the function, from a constant collection."""
    values = []
    for stmt in statements(function.body):
        for small in _smalls(stmt):
            for target in assignment_targets(small):
                if name in set(target_names(target)):
                    values.append(getattr(small, "value", None))
    return len(values) == 1 and values[0] is not None and _constant_collection(values[0])


def _class_table(expr: cst.BaseExpression, scan: Optional[_Scan]) -> bool:
    """`self.default_fields` / `cls.FIELDS`: a list, tuple or set defined in a class body of the
    file (subclasses set their own) that no code of the file inserts into: a table written in code."""
    if scan is None or not isinstance(expr, cst.Attribute) or not isinstance(expr.value, cst.Name) or \
            expr.value.value not in ("self", "cls"):
        return False
    attr = expr.attr.value
    found = False
    for table in scan.class_containers.values():
        container = table.get(attr)
        if container is None:
            continue
        if container.kind not in ("list", "set") or container.growth or container.escapes:
            return False
        found = True
    return found


def _key_from_constant_loop(path: Sequence[cst.CSTNode], key: cst.BaseExpression,
                            function: Optional[cst.FunctionDef] = None, scan: Optional[_Scan] = None) -> bool:
    """The key is the variable of a loop over a constant table (`for state in (A, B, C):`,
    `for name in LEXERS:`, `for field in self.default_fields:` over a class-level list the file
    never grows): the keys are that table's."""
    root = key
    while isinstance(root, (cst.Attribute, cst.Subscript)):
        root = root.value
    if isinstance(key, cst.Tuple):
        roots = [e.value for e in key.elements]
    else:
        roots = [root]
    names = {r.value for r in roots if isinstance(r, cst.Name)}
    if not names or len(names) != len(roots):
        return False
    bound: Set[str] = set()
    for node in path:
        if isinstance(node, cst.For) and (_constant_collection(node.iter) or _class_table(node.iter, scan) or (
                function is not None and isinstance(node.iter, cst.Name) and _local_constant(function, node.iter.value))):
            bound.update(target_names(node.target))
    return names <= bound


def _allow_listed(path: Sequence[cst.CSTNode], container: Container) -> bool:
    """The insertion sits under a positive membership test against another collection (an
    allow-list): the keys are bounded by that collection."""
    short = container.name.rsplit(".", 1)[-1]
    for node in path:
        if isinstance(node, (cst.If, cst.While)):
            for comparison in _comparisons(node.test):
                for target in comparison.comparisons:
                    if isinstance(target.operator, cst.In):
                        right = dotted_name(target.comparator) or ""
                        if right.rsplit(".", 1)[-1] != short:
                            return True
    return False


def _comparisons(expr: cst.BaseExpression) -> Iterator[cst.Comparison]:
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Comparison):
            yield node
        elif isinstance(node, cst.BooleanOperation):
            stack.extend((node.left, node.right))


def _path_to(root: cst.CSTNode, target: cst.CSTNode) -> List[cst.CSTNode]:
    """The ancestors of ``target`` under ``root`` (root first), or [] when not found."""
    for node, view in _walk_with_parents(root):
        if node is target:
            return list(view.get())
    return []


# -- a cheap first look, on the stdlib tree --------------------------------------------------------

def _ast_container_targets(body, defaulting: Set[str]) -> Set[str]:
    """Names assigned a container at this level (and under its `if` / `try` blocks); those whose
    reads may insert (a `defaultdict` or `Counter`, by value or annotation) go in ``defaulting`` too."""
    import ast

    out: Set[str] = set()
    stack = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.If, ast.Try)) or type(stmt).__name__ == "TryStar":
            stack.extend(stmt.body)
            stack.extend(getattr(stmt, "orelse", ()))
            stack.extend(getattr(stmt, "finalbody", ()))
            for handler in getattr(stmt, "handlers", ()):
                stack.extend(handler.body)
            continue
        if isinstance(stmt, ast.Assign):
            value, targets = stmt.value, stmt.targets
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            value, targets = stmt.value, [stmt.target]
        else:
            continue
        called = (getattr(value.func, "id", None) or getattr(value.func, "attr", None)) \
            if isinstance(value, ast.Call) else None
        if isinstance(value, (ast.Dict, ast.List, ast.Set)) or \
                called in ("dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"):
            found = [t.id for t in targets if isinstance(t, ast.Name)]
            out.update(found)
            annotation = ast.dump(stmt.annotation) if isinstance(stmt, ast.AnnAssign) else ""
            if called in ("defaultdict", "Counter") or "efaultDict" in annotation or "efaultdict" in annotation \
                    or "Counter" in annotation:
                defaulting.update(found)
    return out


def may_have_growing_container(tree, text: str) -> bool:
    """Whether the file has a module- or class-level container (read from the stdlib ``ast``
    tree's top levels only) that some code grows: an item assigned or augmented (`NAME[k] = v`,
    `self.NAME[k] += 1`), a growing method called (`NAME.add(x)`), the container augmented
    (`NAME += [x]`), or, for a `defaultdict` or `Counter`, an item read (`NAME[k].append(x)`). The
    container is named as a bare name or an attribute (`self.NAME`, `cls.NAME`): a sound
    over-approximation of :func:`growing_containers`, without libcst."""
    import ast

    from .reach import nodes as ast_nodes

    defaulting: Set[str] = set()
    names = _ast_container_targets(tree.body, defaulting)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names |= _ast_container_targets(node.body, defaulting)
    if not names:
        return False

    def named(expr) -> Optional[str]:
        name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else None
        return name if name in names else None

    for node in ast_nodes(tree):
        if isinstance(node, ast.Subscript):
            name = named(node.value)
            if name is not None and (not isinstance(node.ctx, (ast.Load, ast.Del)) or
                                     (isinstance(node.ctx, ast.Load) and name in defaulting)):
                return True
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in GROW_METHODS and named(func.value) is not None:
                return True
        elif isinstance(node, ast.AugAssign) and named(node.target) is not None:
            return True
    return False


# -- more of what a cached function is keyed by ----------------------------------------------------

def builds_class(func: cst.FunctionDef) -> bool:
    """The function defines a class or makes one with `type(name, bases, ns)`: it is memoised so
    that equal arguments give the same class (identity), not to save time, and a bound would break
    that."""
    for stmt in statements(func.body, functions=True):
        if isinstance(stmt, cst.ClassDef):
            return True
        for small in _smalls(stmt):
            if isinstance(small, cst.Return) and isinstance(small.value, cst.Call) and \
                    isinstance(small.value.func, cst.Name) and small.value.func.value == "type" and \
                    len(small.value.args) == 3:
                return True
    return False


def _calls_by_name(ctx) -> Dict[str, List[cst.Call]]:
    from .blocks import find_all

    def compute():
        out: Dict[str, List[cst.Call]] = {}
        for call in find_all(ctx.module, cst.Call):
            if isinstance(call.func, cst.Name):
                out.setdefault(call.func.value, []).append(call)
        return out

    return ctx.memo(_calls_by_name, compute)


# objects that hold the program's configuration: values read from them are fixed when it starts
SETTINGS_OBJECTS = frozenset({"django.conf.settings"})
# builtins that turn closed values into closed values
_CONVERTERS = frozenset({"builtins.tuple", "builtins.list", "builtins.frozenset", "builtins.set", "builtins.sorted",
                         "builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.bytes"})


def _module_definitions(ctx) -> FrozenSet[str]:
    """Names of the classes and functions defined at the top level of the file: program objects."""

    def compute():
        return frozenset(s.name.value for s in statements(ctx.module.body)
                         if isinstance(s, (cst.ClassDef, cst.FunctionDef)))

    return ctx.memo(_module_definitions, compute)


def closed_value(ctx, expr: cst.BaseExpression, bound: FrozenSet[str] = frozenset()) -> bool:
    """``expr`` is chosen by the program, not by its data: a literal, a module constant, an enum
    member or class constant, a class or function of the file, a value read from the settings
    (`settings.REDIS_URL`), or a tuple, list, conversion or comprehension built from those only."""
    if isinstance(expr, cst.Attribute):
        root = expr.value
        if isinstance(root, cst.Name) and expr.attr.value.isupper() and root.value[:1].isupper():
            return True  # `Colour.RED`, `Limits.MAX`: a member or constant of a class
        return closed_value(ctx, root, bound)  # `settings.REDIS_URL`; not `request.GET`
    if _literal(expr):
        return True
    if isinstance(expr, cst.Name):
        if expr.value in bound or expr.value in _module_definitions(ctx):
            return True
        return (ctx.qualified_name(expr) or "") in SETTINGS_OBJECTS
    if isinstance(expr, cst.Subscript):
        return closed_value(ctx, expr.value, bound) and all(
            isinstance(e.slice, cst.Index) and closed_value(ctx, e.slice.value, bound) for e in expr.slice)
    if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
        return all(not isinstance(e, cst.StarredElement) and closed_value(ctx, e.value, bound)
                   for e in expr.elements)
    if isinstance(expr, cst.Call):
        return (ctx.qualified_name(expr.func) or "") in _CONVERTERS and \
            all(a.keyword is None and not a.star and closed_value(ctx, a.value, bound) for a in expr.args)
    if isinstance(expr, (cst.GeneratorExp, cst.ListComp, cst.SetComp)):
        inner = set(bound)
        comp = expr.for_in
        while comp is not None:
            if not closed_value(ctx, comp.iter, frozenset(inner)) or comp.ifs:
                return False
            inner.update(target_names(comp.target))
            comp = comp.inner_for_in
        return closed_value(ctx, expr.elt, frozenset(inner))
    return False


# what a function's or class's own attributes are called: reading one says the object is a program object
_PROGRAM_ATTRIBUTES = frozenset({"__name__", "__qualname__", "__module__", "__code__", "__defaults__", "__wrapped__",
                                 "__globals__", "__func__", "__self__", "__mro__", "__bases__", "__subclasses__",
                                 "__annotations__", "__signature__"})


def program_object_parameters(ctx, func: cst.FunctionDef) -> Set[str]:
    """The parameters the body treats as program objects, whatever their names: it calls one
    (`func(...)`: data is not called), reads a function's or class's own attribute of it
    (`func.__name__`, `kind.__mro__`), hands it to `inspect` (`inspect.signature(func)`), or tests
    against it as a class (`isinstance(x, kind)`, `issubclass(kind, Base)`). A memo keyed by them
    holds one entry per function, class or module of the program."""
    from .blocks import find_all

    params = {p.name.value for p in all_parameters(func)}
    out: Set[str] = set()

    def param(expr) -> Optional[str]:
        return expr.value if isinstance(expr, cst.Name) and expr.value in params else None

    for call in find_all(func.body, cst.Call):
        called = param(call.func)
        if called is not None:
            out.add(called)
            continue
        qualified = ctx.qualified_name(call.func) or ""
        if qualified.startswith("inspect.") and call.args:
            name = param(call.args[0].value)
        elif qualified in ("builtins.isinstance", "builtins.issubclass") and len(call.args) == 2:
            name = param(call.args[1].value) or (param(call.args[0].value) if qualified.endswith("issubclass")
                                                  else None)
        else:
            name = None
        if name is not None:
            out.add(name)
    for attribute in find_all(func.body, cst.Attribute):
        name = param(attribute.value)
        if name is not None and attribute.attr.value in _PROGRAM_ATTRIBUTES:
            out.add(name)
    return out


def literal_only_parameters(ctx, func: cst.FunctionDef, kind: str) -> Set[str]:
    """For a private module function: the parameters that every call of it in the file passes as a
    value the program chooses (a literal, a constant, a class or function of the file, a setting:
    :func:`closed_value`), or leaves to a literal default. Its callers then choose the keys from a
    fixed set."""
    name = func.name.value
    if kind != "function" or not name.startswith("_"):
        return set()
    calls = [c for c in _calls_by_name(ctx).get(name, []) if c.func is not None]
    if not calls:
        return set()
    params = all_parameters(func)
    out: Set[str] = set()
    for index, param in enumerate(params):
        if param.star:
            continue
        position = index if param in func.params.params or param in func.params.posonly_params else None
        ok = True
        for call in calls:
            if any(a.star for a in call.args):
                ok = False
                break
            arg = find_arg(call, param.name.value, position)
            if arg is None:
                if param.default is None or not _literal(param.default):
                    ok = False
                    break
            elif not closed_value(ctx, arg.value):
                ok = False
                break
        if ok:
            out.add(param.name.value)
    return out


_VALUE_BASES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple", "enum.Enum"})
_FROZEN_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attrs.define",
                                "attr.frozen", "attrs.frozen", "pydantic.dataclasses.dataclass"})


def is_value_type(ctx, cls: cst.ClassDef) -> bool:
    """Instances compare and hash by value: a NamedTuple (or `namedtuple(...)` base), a frozen
    dataclass or attrs class, or a class of the file (or an in-file base of it) that defines both
    `__eq__` and `__hash__`. A cache keyed by such an instance holds a small value, and equal
    instances share one entry."""
    classes = {s.name.value: s for s in statements(ctx.module.body, classes=True) if isinstance(s, cst.ClassDef)}
    seen: Set[str] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current.name.value in seen:
            continue
        seen.add(current.name.value)
        for decorator in current.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            qualified = ctx.qualified_name(func) or ""
            if qualified in ("attr.frozen", "attrs.frozen"):
                return True
            if qualified in _FROZEN_DECORATORS and isinstance(expr, cst.Call):
                frozen = find_arg(expr, "frozen")
                if frozen is not None and isinstance(frozen.value, cst.Name) and frozen.value.value == "True":
                    return True
        methods = {s.name.value for s in current.body.body if isinstance(s, cst.FunctionDef)}
        if {"__eq__", "__hash__"} <= methods:
            return True
        for base in current.bases:
            if base.keyword is not None:
                continue
            value = base.value
            if isinstance(value, cst.Call):
                if (ctx.qualified_name(value.func) or "") in ("collections.namedtuple", "typing.NamedTuple"):
                    return True
                continue
            if (ctx.qualified_name(value) or "") in _VALUE_BASES:
                return True
            name = dotted_name(value)
            if name in classes:
                todo.append(classes[name])
    return False


def compared_only_with_literals(func: cst.FunctionDef, name: str) -> bool:
    """Every use of parameter ``name`` in the body compares it with literals, at least twice
    (`if p == "auto": ... elif p in ("a", "b"): ...`): its values are a handful of option choices."""
    from .blocks import find_all

    uses = [n for n in find_all(func.body, cst.Name) if n.value == name]
    if not uses:
        return False
    comparisons = find_all(func.body, cst.Comparison)
    covered = set()
    for comparison in comparisons:
        items = [comparison.left] + [t.comparator for t in comparison.comparisons]
        names = [i for i in items if isinstance(i, cst.Name) and i.value == name]
        others = [i for i in items if not (isinstance(i, cst.Name) and i.value == name)]
        if names and all(_literal(o) or (isinstance(o, (cst.List, cst.Tuple, cst.Set)) and
                                         all(_literal(e.value) for e in o.elements)) for o in others):
            covered.update(id(n) for n in names)
    # one membership test says little; an if/elif chain over choices says the value is one of them
    return len(uses) >= 2 and all(id(u) in covered for u in uses)


def truth_tested_only(func: cst.FunctionDef, name: str) -> bool:
    """Every use of parameter ``name`` in the body is a truth test (`if simplify:`, `not strict`,
    `a if flag else b`, `flag and x`): a flag, two values whatever its annotation says."""
    uses = 0
    for node, view in _walk_with_parents(func.body):
        if not isinstance(node, cst.Name) or node.value != name:
            continue
        ancestors = view.get()
        parent = ancestors[-1] if ancestors else None
        if isinstance(parent, (cst.If, cst.While)) and parent.test is node:
            uses += 1
        elif isinstance(parent, cst.IfExp) and parent.test is node:
            uses += 1
        elif isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            uses += 1
        elif isinstance(parent, cst.BooleanOperation) and any(
                isinstance(a, (cst.If, cst.While, cst.IfExp)) for a in ancestors[-3:]):
            uses += 1
        else:
            return False
    return uses > 0
