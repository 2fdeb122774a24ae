"""The project index: which functions and methods of the project are coroutine functions.

Built once per run, before linting, when a project-scope rule (RES501) is
enabled. It covers the whole project root (the directory of the config file,
else the VCS root), whatever files the run reports on, so a pre-commit run on
one file still sees an `async def` in another module.

What it holds, per module (named from its path: the package found by walking
up `__init__.py` files, the path under the root, and the path under `src/`):

- module-level `async def`\\ s (async generators excluded: calling one is not
  a coroutine) and the other names the module defines;
- classes: their async and plain methods, their base classes, and the declared
  types of their attributes and properties (annotations in the class body,
  `self.x: T = ...`, `self.x = T(...)` or `self.x = param` with `param: T` in a
  method, a `@property` / `@cached_property` return annotation), all resolved
  through the module's imports (those under `if TYPE_CHECKING:` included);
- imports (`from .impl import fetch` in `__init__.py` is a re-export);
- what a call returns when a sync function or method declares it (`def store(self) -> Store`,
  kept as the attribute `store()`), and module-level instances (`registry = Registry()`,
  `registry: Registry = ...`, bound once);
- whether the module rewrites coroutine methods into sync wrappers at run time (it tests
  `iscoroutinefunction` and `setattr`s under a computed name in a function).

Only modules that can matter are parsed, with the stdlib parser: those whose
text contains `async def`, every package `__init__.py` (re-exports) and those that say
`iscoroutinefunction` and `setattr`; then,
a few rounds more, the modules that define a base class or an attribute type
those name (so `self.coresys.plugins.dns.write()` is followed through a
`CoreSys` defined in a module with no `async def`). Entries are cached by file
content in the user cache directory (`$RESLINT_CACHE_DIR`, else
`$XDG_CACHE_HOME/reslint`, else `~/.cache/reslint`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

# decorators that keep an `async def` a coroutine function (a libcst-free table)
from .analysis.coroutines import TRANSPARENT_DECORATORS
from .analysis.reach import ast_dotted, declared_class

INDEX_VERSION = "8"


def vcs_root(start: Path) -> Optional[Path]:
    """The nearest directory at or above ``start`` that holds a `.git` or `.hg`, or None."""
    for directory in [start, *start.parents]:
        if (directory / ".git").exists() or (directory / ".hg").exists():
            return directory
    return None


def project_root(settings_root: Path, config_path: Optional[Path], files: Sequence[str]) -> Path:
    """The directory the index covers for a run that lints ``files``.

    The directory of the config file (``settings_root``) when there is one; without one, the VCS
    root above the linted files, else the directory above the top package that holds them all.
    Not the working directory: `reslint check some/checkout` from a parent directory must not
    index the parent.
    """
    if config_path is not None or not files:
        return settings_root
    common = os.path.commonpath([os.path.dirname(f) for f in files])
    vcs = vcs_root(Path(common))
    if vcs is not None:
        return vcs
    while os.path.isfile(os.path.join(common, "__init__.py")) and os.path.dirname(common) != common:
        common = os.path.dirname(common)
    return Path(common)


@dataclass(frozen=True)
class ClassEntry:
    bases: Tuple[str, ...] = ()          # qualified names as far as the module's imports tell
    coroutines: Tuple[str, ...] = ()     # async methods
    methods: Tuple[str, ...] = ()        # other methods and class attributes
    # attribute or property -> the qualified type it is declared with; "?" when it is bound here
    # to something else or to different types (look no further)
    attributes: Dict[str, str] = field(default_factory=dict)
    # generics: the type arguments of each base (aligned with ``bases``; `Entity[Coordinator]`),
    # and the candidate type parameters of the class in order (`Generic[T]`'s, else the names
    # its bases are subscripted with; which are TypeVars is asked of their modules)
    type_args: Tuple[Tuple[str, ...], ...] = ()
    params: Tuple[str, ...] = ()
    # async methods under decorators that are not known to keep them coroutine functions ->
    # the decorators (qualified; `deco()` for a decorator factory called in the decorator line)
    decorated: Dict[str, Tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleEntry:
    coroutines: Tuple[str, ...] = ()
    names: Tuple[str, ...] = ()          # other module-level definitions and assignments
    classes: Dict[str, ClassEntry] = field(default_factory=dict)
    imports: Dict[str, str] = field(default_factory=dict)   # local name -> qualified (relative resolved)
    typevars: Dict[str, str] = field(default_factory=dict)  # `T = TypeVar("T", bound=B)` -> B, or "?"
    # functions that wrap what they decorate in an `async def` they return (`name`), or that
    # make such a decorator (`name()`); and module-level async defs under other decorators
    coroutine_decorators: Tuple[str, ...] = ()
    decorated: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # module-level name -> the project class it is an instance of (`registry = Registry()`, bound
    # once); `name()` -> the class a sync function of the module declares it returns
    instances: Dict[str, str] = field(default_factory=dict)
    # the module rewrites coroutine methods into sync ones at run time: a function of it tests
    # `iscoroutinefunction` and `setattr`s a wrapper under a computed name (`async_to_sync`)
    syncifies: bool = False
    # the module sets a process-wide default socket timeout: `socket.setdefaulttimeout(n)`, `n`
    # not a literal None, anywhere in it
    socket_default: bool = False

    def to_json(self):
        data: Dict[str, Any] = {
            "coroutines": list(self.coroutines), "names": list(self.names), "imports": self.imports,
            "classes": {k: _class_json(c) for k, c in self.classes.items()},
        }
        # the newer facts only when there are some: most modules have none, and the index is stored
        if self.typevars:
            data["typevars"] = self.typevars
        if self.coroutine_decorators:
            data["coroutine_decorators"] = list(self.coroutine_decorators)
        if self.decorated:
            data["decorated"] = {k: list(v) for k, v in self.decorated.items()}
        if self.instances:
            data["instances"] = self.instances
        if self.syncifies:
            data["syncifies"] = True
        if self.socket_default:
            data["socket_default"] = True
        return data

    @classmethod
    def from_json(cls, data) -> "ModuleEntry":
        return cls(
            coroutines=tuple(data["coroutines"]), names=tuple(data["names"]), imports=dict(data["imports"]),
            typevars=dict(data.get("typevars", {})), coroutine_decorators=tuple(data.get("coroutine_decorators", ())),
            decorated={k: tuple(v) for k, v in data.get("decorated", {}).items()},
            instances=dict(data.get("instances", {})), syncifies=bool(data.get("syncifies", False)),
            socket_default=bool(data.get("socket_default", False)),
            classes={k: _class_from_json(v) for k, v in data["classes"].items()},
        )


def _class_json(c: ClassEntry) -> list:
    """[bases, coroutines, methods] and, when any is not empty, {attributes, type args, params, decorated}."""
    out: list = [list(c.bases), list(c.coroutines), list(c.methods)]
    extra: Dict[str, Any] = {}
    if c.attributes:
        extra["a"] = c.attributes
    if any(c.type_args):
        extra["t"] = [list(a) for a in c.type_args]
    if c.params:
        extra["p"] = list(c.params)
    if c.decorated:
        extra["d"] = {m: list(d) for m, d in c.decorated.items()}
    if extra:
        out.append(extra)
    return out


def _class_from_json(v: list) -> ClassEntry:
    extra = v[3] if len(v) > 3 else {}
    return ClassEntry(tuple(v[0]), tuple(v[1]), tuple(v[2]), dict(extra.get("a", {})),
                      tuple(tuple(a) for a in extra.get("t", ())), tuple(extra.get("p", ())),
                      {m: tuple(d) for m, d in extra.get("d", {}).items()})


def _packages(directory: str, memo: Optional[Dict[str, List[str]]]) -> List[str]:
    """The package names from ``directory`` up (innermost first) while each holds an `__init__.py`."""
    if memo is not None and directory in memo:
        return memo[directory]
    packages: List[str] = []
    if os.path.isfile(os.path.join(directory, "__init__.py")):
        parent = os.path.dirname(directory)
        packages = [os.path.basename(directory)] + (_packages(parent, memo) if parent != directory else [])
    if memo is not None:
        memo[directory] = packages
    return packages


def module_names(rel: str, root: str, memo: Optional[Dict[str, List[str]]] = None) -> List[str]:
    """Dotted names a file (path relative to the root, forward slashes) is imported as, best first.

    ``memo`` (directory -> its packages) saves the `__init__.py` look-ups across the files of a run."""
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    names: List[str] = []
    # the package, found by walking up __init__.py files (from the file itself, whatever the root)
    packages = _packages(os.path.dirname(os.path.join(root, rel)), memo)
    if packages:
        module = [] if rel.endswith("__init__.py") else [parts[-1]]
        names.append(".".join([*reversed(packages), *module]))
    # src layout, then the plain path under the root
    if len(parts) > 1 and parts[0] in ("src", "lib", "python"):
        names.append(".".join(parts[1:]))
    names.append(".".join(parts))
    out = []
    for name in names:
        if name and name not in out and all(p.isidentifier() for p in name.split(".")):
            out.append(name)
    return out


def _package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def _absolute(module: str, is_package: bool, level: int, name: Optional[str]) -> str:
    package = _package_of(module, is_package)
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    if name:
        return f"{package}.{name}" if package else name
    return package


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _statements(body: Sequence[ast.AST]) -> Iterable[ast.AST]:
    """The statements of a block and of the blocks nested in it (`if`, loops, `try`, `with`,
    `match`), not those of nested functions and classes; expressions are not entered."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, _SCOPES):
            continue
        for name in _BLOCKS:
            block = getattr(stmt, name, None)
            if not block or not isinstance(block, list):
                continue
            for item in reversed(block):
                if isinstance(item, ast.stmt):
                    stack.append(item)
                else:  # an `except` handler or a `case`: its body
                    stack.extend(reversed(getattr(item, "body", ())))


def _decorators(func: ast.AST, resolve, generators: bool = True) -> Optional[Tuple[str, ...]]:
    """An `async def` (not a generator) with decorators that are not all transparent: those
    decorators, qualified (`name()` when the decorator line calls it); else None."""
    if not isinstance(func, ast.AsyncFunctionDef):
        return None
    out = []
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        dotted = ast_dotted(target)
        if dotted is None:
            return ("?",)
        if dotted.rsplit(".", 1)[-1] in TRANSPARENT_DECORATORS:
            continue
        out.append(resolve(dotted) + ("()" if isinstance(decorator, ast.Call) else ""))
    return tuple(out) if out and not (generators and _is_generator(func)) else None


def _wraps_in_coroutine(func: ast.AST, depth: int = 0) -> Optional[str]:
    """"" for a decorator whose every `return` hands back an `async def` (not a generator) it
    defines (`@wraps(func) async def wrapper(...)` ... `return wrapper`), "()" for a function
    that returns such a decorator (a decorator factory), else None."""
    if not isinstance(func, ast.FunctionDef) or depth > 1:
        return None
    nested = {n.name: n for n in func.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not nested:
        return None
    returned = {node.value.id if isinstance(node.value, ast.Name) else None
                for node in _statements(func.body) if isinstance(node, ast.Return)}
    if len(returned) != 1:
        return None
    target = nested.get(next(iter(returned)) or "")
    if isinstance(target, ast.AsyncFunctionDef) and not _is_generator(target):
        return "" if depth == 0 else "()"
    if isinstance(target, ast.FunctionDef) and depth == 0:
        return "()" if _wraps_in_coroutine(target, depth + 1) == "()" else None
    return None


def _coroutine(func: ast.AST, generators: bool = True) -> bool:
    """An `async def` whose call makes a coroutine: no yield, no decorator that may change it."""
    if not isinstance(func, ast.AsyncFunctionDef) or (generators and _is_generator(func)):
        return False
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (ast_dotted(target) or "").rsplit(".", 1)[-1] not in TRANSPARENT_DECORATORS:
            return False
    return True


def _is_generator(func: ast.AST) -> bool:
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _resolve(name: str, imports: Dict[str, str], module: str, local: Iterable[str]) -> str:
    head, _, rest = name.partition(".")
    if head in imports:
        target = imports[head]
        return f"{target}.{rest}" if rest else target
    if head in local:
        return f"{module}.{name}"
    return name


def _add_imports(imports: Dict[str, str], node: ast.AST, module: str, is_package: bool, first: bool) -> None:
    """Add what an import statement binds; ``first``: an earlier binding of the name wins."""
    found: Dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                found[alias.asname] = alias.name
            else:
                head = alias.name.split(".", 1)[0]
                if head not in imports:
                    found[head] = head
    elif isinstance(node, ast.ImportFrom):
        base = _absolute(module, is_package, node.level, node.module) if node.level else (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                found[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    for name, target in found.items():
        if first:
            imports.setdefault(name, target)
        else:
            imports[name] = target


_PROPERTIES = frozenset({"property", "cached_property", "cached", "reify"})
UNKNOWN = "?"


_GENERIC_BASES = frozenset({"Generic", "Protocol"})
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"typing_extensions"}


def _class_bases(node: ast.ClassDef, resolve) -> Tuple[Tuple[str, ...], Tuple[Tuple[str, ...], ...], Tuple[str, ...]]:
    """(bases, their type arguments, the class's candidate type parameters), all qualified: a
    subscripted base `Entity[Coordinator]` is the base `Entity` with the argument `Coordinator`."""
    bases: List[str] = []
    type_args: List[Tuple[str, ...]] = []
    generic: Optional[Tuple[str, ...]] = None
    seen: List[str] = []
    for base in node.bases:
        args: Tuple[str, ...] = ()
        if isinstance(base, ast.Subscript):
            inner = base.slice
            elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            args = tuple(resolve(d) if d else UNKNOWN for d in (declared_class(e) for e in elements))
            base = base.value
        dotted = ast_dotted(base)
        if not dotted:
            continue
        if dotted.rsplit(".", 1)[-1] in _GENERIC_BASES:
            if args:
                generic = args
            continue
        bases.append(resolve(dotted))
        type_args.append(args)
        seen.extend(a for a in args if a != UNKNOWN and a not in seen)
    args_out = tuple(type_args) if any(type_args) else ()  # stored only when a base is subscripted
    params = [f"{p.name}" for p in getattr(node, "type_params", ()) if hasattr(p, "name")]  # `class C[T]:`
    if params:
        return tuple(bases), args_out, tuple(resolve(p) for p in params)
    return tuple(bases), args_out, generic if generic is not None else tuple(seen)


def _typevar_bound(value: Optional[ast.AST], resolve) -> Optional[str]:
    """`TypeVar("T", bound=B)` -> the qualified B; a TypeVar with no bound (or constraints) -> "?";
    anything else -> None."""
    if not (isinstance(value, ast.Call) and (ast_dotted(value.func) or "").rsplit(".", 1)[-1] == "TypeVar"):
        return None
    bound = next((k.value for k in value.keywords if k.arg == "bound"), None)
    dotted = declared_class(bound) if bound is not None else None
    qualified = resolve(dotted) if dotted else UNKNOWN
    return qualified if "." in qualified else UNKNOWN


def _project_type(dotted: Optional[str], resolve) -> Optional[str]:
    """The qualified class a dotted name resolves to when it may be a project class (not a
    builtin, an unresolved name or a class of the standard library), else None."""
    if not dotted:
        return None
    qualified = resolve(dotted)
    if "." not in qualified or qualified.split(".", 1)[0] in _STDLIB:
        return None
    return qualified


def _module_instances(tree: ast.Module, resolve, generators: bool) -> Dict[str, str]:
    """Module-level name -> the project class it is bound to once (`registry = Registry()`,
    `registry: Registry = ...`), and `function()` -> the class a sync module-level function
    declares it returns."""
    found: Dict[str, Optional[str]] = {}
    counts: Dict[str, int] = {}

    def bind(name: str, qualified: Optional[str]) -> None:
        counts[name] = counts.get(name, 0) + 1
        found[name] = qualified

    for node in tree.body:
        if isinstance(node, ast.Assign):
            single = len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            for target in node.targets:
                for element in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                    if isinstance(element, ast.Name):
                        value = node.value if single and isinstance(node.value, ast.Call) else None
                        bind(element.id, _project_type(ast_dotted(value.func), resolve) if value is not None else None)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            bind(node.target.id, _project_type(declared_class(node.annotation), resolve))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            counts[node.name] = counts.get(node.name, 0) + 1
            if isinstance(node, ast.FunctionDef) and node.returns is not None:
                returned = _project_type(declared_class(node.returns), resolve)
                # (a generator's call gives a generator, whatever it declares: asked only when it matters)
                found[node.name + "()"] = returned if returned is None or not (generators and _is_generator(node)) \
                    else None
    # a name bound twice (or also by a def) may hold anything
    return {name: qualified for name, qualified in found.items()
            if qualified is not None and counts.get(name[:-2] if name.endswith("()") else name, 0) == 1}


def _class_attributes(node: ast.ClassDef, resolve) -> Dict[str, str]:
    """Attribute and property name -> the qualified type declared for it (see :class:`ClassEntry`)."""
    declared: Dict[str, set] = {}   # annotations: the contract
    assigned: Dict[str, set] = {}   # values: `T(...)`, an annotated parameter, UNKNOWN for others

    def note(table: Dict[str, set], name: str, dotted: Optional[str]) -> None:
        qualified = resolve(dotted) if dotted else UNKNOWN
        # a class of the project is `module.Class`: `str`, `dict`, an unresolved name or a class of
        # the standard library cannot be one (kept short: the index is stored)
        if "." not in qualified or qualified.split(".", 1)[0] in _STDLIB:
            qualified = UNKNOWN
        table.setdefault(name, set()).add(qualified)

    def value(table: Dict[str, set], name: str, expr: ast.AST, params: Dict[str, Optional[str]]) -> None:
        if isinstance(expr, ast.Constant) and expr.value is None:
            return  # "not set yet": neutral
        if isinstance(expr, ast.Call):
            note(table, name, ast_dotted(expr.func))
        elif isinstance(expr, ast.Name) and expr.id in params:
            note(table, name, params[expr.id])
        else:
            note(table, name, None)

    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            note(declared, item.target.id, declared_class(item.annotation))
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    value(assigned, target.id, item.value, {})
        elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = {(ast_dotted(d) or "").rsplit(".", 1)[-1] for d in item.decorator_list}
            if decorators & _PROPERTIES and isinstance(item, ast.FunctionDef):
                note(declared, item.name, declared_class(item.returns))
                continue
            returned = _project_type(declared_class(item.returns), resolve) \
                if isinstance(item, ast.FunctionDef) and item.returns is not None else None
            if returned is not None and _is_generator(item):
                returned = None
            if returned is not None:
                # what a call of a sync method gives (`self.store().save()`), as the attribute `store()`
                declared.setdefault(item.name + "()", set()).add(returned)
            args = item.args.posonlyargs + item.args.args
            if not args or "staticmethod" in decorators or "classmethod" in decorators:
                continue
            this = args[0].arg
            params = {a.arg: declared_class(a.annotation) for a in args[1:] + item.args.kwonlyargs}
            for stmt in _statements(item.body):
                if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    continue
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for element in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                        if not (isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name)
                                and element.value.id == this):
                            continue
                        if isinstance(stmt, ast.AnnAssign):
                            note(declared, element.attr, declared_class(stmt.annotation))
                        elif element is target and stmt.value is not None:
                            value(assigned, element.attr, stmt.value, params)
                        else:
                            note(assigned, element.attr, None)
    out: Dict[str, str] = {}
    for name in set(declared) | set(assigned):
        types = declared.get(name) or assigned.get(name) or set()
        out[name] = next(iter(types)) if len(types) == 1 else UNKNOWN
    return out


def index_source(text: str, module: str, is_package: bool) -> Optional[ModuleEntry]:
    """The index entry of one module's source, or None when it does not parse."""
    generators = "yield" in text  # no `yield` anywhere: nothing here is a generator
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    imports: Dict[str, str] = {}
    for node in tree.body:
        _add_imports(imports, node, module, is_package, first=False)
    for node in tree.body:
        # imports under `if TYPE_CHECKING:` (annotations name them), `try:` / `except ImportError:`
        if isinstance(node, (ast.If, ast.Try)):
            for block in (node.body, node.orelse, *(h.body for h in getattr(node, "handlers", ()))):
                for inner in block:
                    _add_imports(imports, inner, module, is_package, first=True)
    coroutines, names = [], []
    classes: Dict[str, ClassEntry] = {}
    typevars: Dict[str, str] = {}
    local = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    local |= {t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}

    def resolve(dotted: str) -> str:
        return _resolve(dotted, imports, module, local)

    coroutine_decorators: List[str] = []
    decorated: Dict[str, Tuple[str, ...]] = {}
    for node in tree.body:
        if _coroutine(node, generators):
            coroutines.append(node.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
            wraps = _wraps_in_coroutine(node)
            if wraps is not None:
                coroutine_decorators.append(node.name + wraps)
            found = _decorators(node, resolve, generators)
            if found is not None:
                decorated[node.name] = found
        elif isinstance(node, ast.ClassDef):
            bases, type_args, params = _class_bases(node, resolve)
            methods, async_methods = [], []
            decorated_methods: Dict[str, Tuple[str, ...]] = {}
            for item in node.body:
                if _coroutine(item, generators):
                    async_methods.append(item.name)
                elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.append(item.name)
                    found = _decorators(item, resolve, generators)
                    if found is not None and item.name not in decorated_methods:
                        decorated_methods[item.name] = found
                elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    methods.extend(t.id for t in targets if isinstance(t, ast.Name))
            classes[node.name] = ClassEntry(bases, tuple(async_methods), tuple(methods),
                                            _class_attributes(node, resolve), type_args, params, decorated_methods)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.extend(t.id for t in targets if isinstance(t, ast.Name))
            bound = _typevar_bound(node.value, resolve)
            if bound is not None and len(targets) == 1 and isinstance(targets[0], ast.Name):
                typevars[targets[0].id] = bound
    # a name bound twice (a sync fallback, a later assignment) is not reliably a coroutine
    names_set = set(names) | set(classes)
    coroutines = [c for c in coroutines if c not in names_set]
    decorated = {k: v for k, v in decorated.items() if names.count(k) == 1 and k not in classes}
    return ModuleEntry(tuple(coroutines), tuple(names), classes, imports, typevars, tuple(coroutine_decorators),
                       decorated, _module_instances(tree, resolve, generators),
                       "iscoroutinefunction" in text and _syncifies(tree),
                       "setdefaulttimeout" in text and _sets_socket_default(tree, resolve))


def _sets_socket_default(tree: ast.Module, resolve) -> bool:
    """Whether the module calls `socket.setdefaulttimeout(x)` (through any import of it) with
    something else than a literal `None`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            dotted = ast_dotted(node.func)
            if dotted is not None and dotted.rsplit(".", 1)[-1] == "setdefaulttimeout" and \
                    resolve(dotted) == "socket.setdefaulttimeout" and \
                    not (isinstance(node.args[0], ast.Constant) and node.args[0].value is None):
                return True
    return False


def _syncifies(tree: ast.Module) -> bool:
    """Whether the module tests `iscoroutinefunction` and, in a function, `setattr`s under a
    computed name: it rewrites coroutine methods into sync wrappers at run time."""
    tests = setter = False
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Name)) and \
                (node.attr if isinstance(node, ast.Attribute) else node.id) == "iscoroutinefunction":
            tests = True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not setter:
            setter = any(isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                         and inner.func.id == "setattr" and len(inner.args) == 3
                         and not isinstance(inner.args[1], ast.Constant) for inner in ast.walk(node))
        if tests and setter:
            return True
    return False


class ProjectIndex:
    """Coroutine functions of a project by qualified name."""

    def __init__(self, root: str, modules: Optional[Dict[str, ModuleEntry]] = None,
                 paths: Optional[Dict[str, Tuple[str, ...]]] = None, files: int = 0, parsed: int = 0,
                 shadowed: Optional[Dict[str, ModuleEntry]] = None):
        self.root = root
        self.modules: Dict[str, ModuleEntry] = modules or {}
        self.paths: Dict[str, Tuple[str, ...]] = paths or {}   # rel path -> module names
        self.files = files
        self.parsed = parsed
        # modules under a name two files claim: out of the lookups, but what they do to the whole
        # program (rewrite coroutine methods, set a default socket timeout) still counts
        self.shadowed: Dict[str, ModuleEntry] = shadowed or {}
        # the root the linted files' paths are relative to (the settings' root), if not ``root``
        self.lint_root = root

    def coroutine_member_names(self) -> frozenset:
        """Every bare name a call may reach one of the project's coroutine functions by: module-level
        and class-level `async def`s (also under decorators), and the names imports give things
        under another name (`from .impl import fetch as get_data`)."""
        names = getattr(self, "_coroutine_members", None)
        if names is None:
            found = set()
            aliases = []
            for entry in self.modules.values():
                found.update(entry.coroutines)
                found.update(entry.decorated)
                for cls in entry.classes.values():
                    found.update(cls.coroutines)
                    found.update(cls.decorated)
                aliases.extend((local, target.rsplit(".", 1)[-1]) for local, target in entry.imports.items()
                               if not target.endswith("." + local) and target != local)
            while True:  # an alias of an alias, ...
                more = {local for local, name in aliases if name in found and local not in found}
                if not more:
                    break
                found |= more
            names = self._coroutine_members = frozenset(found)
        return names

    def async_attribute_methods(self) -> frozenset:
        """`attribute.method` for each attribute or property a class of the project declares with
        a type (a class of the project) on which `method` is an `async def` along its bases (also
        for what a sync method declares it returns, under the method's name), and
        `attribute.*` when the type is a name the index cannot follow (a TypeVar, ...). Only through
        those can a chain like `self.store.save()` reach a coroutine function."""
        pairs = getattr(self, "_async_attribute_methods", None)
        if pairs is None:
            pairs = self._async_attribute_methods = frozenset(
                pair for entry in self.modules.values() for cls in entry.classes.values()
                for name, typ in cls.attributes.items() if typ != UNKNOWN for pair in self._method_pairs(name, typ))
        return pairs

    def owner_async_methods(self) -> frozenset:
        """`owner.method` for what a call `owner.method()` may reach a coroutine function through:
        a class of the project (by its name, and by the names imports give it) and each `async
        def` along its bases (`Class.*` when a base is a name the index cannot follow as a class,
        a TypeVar); a module-level instance and a function that declares what it returns, with
        the methods of that class (`store.save`, `get_store.save`); a module of the project, by
        the last part of its name, with its coroutine functions (`client.fetch`)."""
        pairs = getattr(self, "_owner_async_methods", None)
        if pairs is None:
            found = set()
            for module, entry in self.modules.items():
                for name in entry.classes:
                    found.update(self._method_pairs(name, f"{module}.{name}"))
                for local, target in entry.imports.items():
                    if self.class_entry(target)[0] is not None:
                        found.update(self._method_pairs(local, target))
                for name, typ in entry.instances.items():
                    found.update(self._method_pairs(name, typ))
                last = module.rsplit(".", 1)[-1]
                found.update(f"{last}.{name}" for name in (*entry.coroutines, *entry.decorated))
            pairs = self._owner_async_methods = frozenset(found)
        return pairs

    def _method_pairs(self, owner: str, qualified: str) -> Iterator[str]:
        """`owner.method` for the async methods of the class ``qualified`` (`owner.*` for a name
        the index cannot follow as a class); an owner `name()` (a declared return) is `name`."""
        memo = self.__dict__.setdefault("_async_methods_memo", {})
        methods = self._async_methods(qualified, memo)
        owner = owner[:-2] if owner.endswith("()") else owner
        if methods is None:
            yield owner + ".*"
        else:
            yield from (f"{owner}.{method}" for method in methods)

    def _is_typevar(self, qualified: str, depth: int = 0) -> bool:
        entry, _, rest = self._module(qualified)
        if entry is None or len(rest) != 1 or depth > 8:
            return False
        if rest[0] in entry.typevars:
            return True
        return rest[0] in entry.imports and self._is_typevar(entry.imports[rest[0]], depth + 1)

    def _async_methods(self, qualified: str, memo: Dict[str, Optional[frozenset]]) -> Optional[frozenset]:
        """The async method names of a project class along its bases; None: any name (a name the
        index cannot follow as a class)."""
        if qualified in memo:
            return memo[qualified]
        memo[qualified] = frozenset()  # a cycle of bases adds nothing
        if self._module(qualified)[0] is None:
            found: Optional[frozenset] = frozenset()  # not the project's: the resolver cannot follow it
        else:
            cls, _ = self.class_entry(qualified)
            if cls is None:
                # a TypeVar stands for the class a subclass binds it to: any method; anything else
                # the index cannot follow as a class, the resolver cannot either
                found = None if self._is_typevar(qualified) else frozenset()
            else:
                names = set(cls.coroutines) | set(cls.decorated)
                for base in cls.bases:
                    inherited = self._async_methods(base, memo)
                    if inherited is None:
                        names = None
                        break
                    names |= inherited
                found = None if names is None else frozenset(names)
        memo[qualified] = found
        return found

    def syncifies_methods(self) -> bool:
        """Whether a module of the project rewrites coroutine methods into sync wrappers at run
        time (see :func:`_syncifies`): then a project's coroutine method called from sync code may
        well be the sync wrapper by the time it runs."""
        found = getattr(self, "_syncifies", None)
        if found is None:
            found = self._syncifies = any(entry.syncifies for entry in (*self.modules.values(),
                                                                         *self.shadowed.values()))
        return found

    def sets_socket_default(self, package: str) -> bool:
        """Whether a module of the top-level ``package``, outside its tests, sets a process-wide
        default socket timeout (`socket.setdefaulttimeout(n)`, typically in the program's
        command-line entry point): the program's socket-level calls without a timeout of their
        own are bounded by it. Per package, so that one program of a repository that holds
        several does not speak for the others."""
        found = getattr(self, "_socket_default", None)
        if found is None:
            found = self._socket_default = frozenset(
                name.split(".")[0] for name, entry in (*self.modules.items(), *self.shadowed.items())
                if entry.socket_default and not _test_module(name))
        return package in found

    def imported_as(self, qualified: str) -> Optional[str]:
        """What a module of the project imports under the name ``qualified`` (`pkg.utils.timeout_cm`
        -> `asyncio.timeout` when `pkg/utils.py` does `from asyncio import timeout as
        timeout_cm`): a name re-exported from a project module. None when it is not an import."""
        module, _, name = qualified.rpartition(".")
        entry = self.modules.get(module)
        return entry.imports.get(name) if entry is not None and name else None

    def names_key(self, which: str) -> str:
        """A digest of one of the name sets above (the result cache compares it)."""
        keys = self.__dict__.setdefault("_names_keys", {})
        key = keys.get(which)
        if key is None:
            import hashlib as _hashlib

            joined = "\n".join(sorted(getattr(self, which)())).encode()
            key = keys[which] = _hashlib.blake2b(joined, digest_size=12).hexdigest()
        return key

    def module_of(self, rel: str) -> Tuple[str, bool]:
        """(module name, is a package) a file is linted as; its relative imports resolve against it."""
        if self.lint_root != self.root:
            rel = os.path.relpath(os.path.join(self.lint_root, rel), self.root).replace(os.sep, "/")
        names = self.paths.get(rel) or tuple(module_names(rel, self.root))
        return (names[0] if names else ""), rel.endswith("__init__.py")

    def _module(self, qualified: str) -> Tuple[Optional[ModuleEntry], str, List[str]]:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:cut])
            entry = self.modules.get(name)
            if entry is not None:
                return entry, name, parts[cut:]
        return None, "", []

    def is_coroutine_function(self, qualified: str, depth: int = 0) -> Optional[bool]:
        """True: an `async def` of the project; False: something else it defines; None: unknown."""
        if depth > 8:
            return None
        entry, name, rest = self._module(qualified)
        if entry is None or not rest:
            return None
        head = rest[0]
        if len(rest) == 1:
            if head in entry.coroutines:
                return True
            if head in entry.decorated:
                return all(self.is_coroutine_decorator(d) for d in entry.decorated[head])
            if head in entry.names or head in entry.classes:
                return False
            if head in entry.imports:
                return self.is_coroutine_function(entry.imports[head], depth + 1)
            return None
        if head in entry.classes and len(rest) == 2:
            return self.method_is_coroutine(f"{name}.{head}", rest[1])
        if head in entry.imports:
            return self.is_coroutine_function(".".join([entry.imports[head], *rest[1:]]), depth + 1)
        return None

    def class_entry(self, qualified: str, depth: int = 0) -> Tuple[Optional[ClassEntry], str]:
        if depth > 8:
            return None, ""
        entry, name, rest = self._module(qualified)
        if entry is None or len(rest) != 1:
            return None, ""
        if rest[0] in entry.classes:
            return entry.classes[rest[0]], name
        if rest[0] in entry.imports:
            return self.class_entry(entry.imports[rest[0]], depth + 1)
        return None, ""

    def method_is_coroutine(self, class_qualified: str, method: str) -> Optional[bool]:
        """Whether `method` of the project class (first definition along its bases) is an `async def`."""
        return lookup_method(self.class_entry, class_qualified, method, self.is_coroutine_decorator)

    def is_coroutine_decorator(self, qualified: str, depth: int = 0) -> bool:
        """A decorator of the project known to return an `async def` wrapper (`qualified` ends in
        `()` for a decorator factory called in the decorator line)."""
        if depth > 8:
            return False
        call = qualified.endswith("()")
        entry, _, rest = self._module(qualified[:-2] if call else qualified)
        if entry is None or len(rest) != 1:
            return False
        if rest[0] + ("()" if call else "") in entry.coroutine_decorators:
            return True
        if rest[0] in entry.imports:
            return self.is_coroutine_decorator(entry.imports[rest[0]] + ("()" if call else ""), depth + 1)
        return False

    def attribute_type(self, class_qualified: str, attribute: str) -> Optional[str]:
        """The qualified type an attribute or property of the project class (or of a base) is
        declared with, or None."""
        return lookup_attribute(self.class_entry, class_qualified, attribute, self.typevar_bound)

    def has_module(self, name: str) -> bool:
        """Whether the index holds the module of that dotted name."""
        return name in self.modules

    def instance_type(self, qualified: str, depth: int = 0) -> Optional[str]:
        """The project class a module-level name is an instance of (`pkg.state.registry`), or
        that a module-level function declares it returns (`pkg.state.get_registry()`), following
        re-exports; None when unknown."""
        if depth > 8:
            return None
        call = qualified.endswith("()")
        entry, _, rest = self._module(qualified[:-2] if call else qualified)
        if entry is None or len(rest) != 1:
            return None
        key = rest[0] + ("()" if call else "")
        if key in entry.instances:
            return entry.instances[key]
        if rest[0] in entry.imports:
            return self.instance_type(entry.imports[rest[0]] + ("()" if call else ""), depth + 1)
        return None

    def typevar_bound(self, qualified: str, depth: int = 0) -> Optional[str]:
        """For a TypeVar of the project, its bound (qualified) or "?" when it has none; None for
        anything else."""
        if depth > 8:
            return None
        entry, _, rest = self._module(qualified)
        if entry is None or len(rest) != 1:
            return None
        if rest[0] in entry.typevars:
            return entry.typevars[rest[0]]
        if rest[0] in entry.imports:
            return self.typevar_bound(entry.imports[rest[0]], depth + 1)
        return None


def _along_bases(class_entry, class_qualified: str, find, depth: int = 0, seen: Optional[set] = None,
                 typevar_bound=None, env: Optional[Dict[str, str]] = None):
    """``find(entry, env)`` on the class, then on its bases depth-first (the MRO of single
    inheritance, close enough for mixins): the first answer that is not None. ``env`` maps the
    class's TypeVars to what a subclass bound them to (`class E(Entity[Coordinator])`)."""
    seen = set() if seen is None else seen
    if depth > 16 or class_qualified in seen:
        return None
    seen.add(class_qualified)
    cls, _ = class_entry(class_qualified)
    if cls is None:
        return None
    env = env or {}
    found = find(cls, env)
    if found is not None:
        return found
    for index, base in enumerate(cls.bases):
        base_env: Dict[str, str] = {}
        args = cls.type_args[index] if index < len(cls.type_args) else ()
        if args and typevar_bound is not None:
            base_cls, _ = class_entry(base)
            if base_cls is not None:
                params = [p for p in base_cls.params if typevar_bound(p) is not None]
                base_env = {p: env.get(a, a) for p, a in zip(params, args)}
        found = _along_bases(class_entry, base, find, depth + 1, seen, typevar_bound, base_env)
        if found is not None:
            return found
    return None


_STOP = object()


def lookup_method(class_entry, class_qualified: str, method: str, coroutine_decorator=None) -> Optional[bool]:
    """Whether `method` of a class is an `async def` (True), something else (False) or unknown
    (None), looking along its bases; ``class_entry(qualified)`` answers as the index's does, and
    ``coroutine_decorator(qualified)`` whether a decorator keeps an `async def` a coroutine function."""
    def find(cls: ClassEntry, env) -> Optional[bool]:
        if method in cls.coroutines:
            return True
        if method in cls.decorated and coroutine_decorator is not None:
            return all(coroutine_decorator(d) for d in cls.decorated[method])
        if method in cls.methods:
            return False
        if method in cls.attributes:
            return _STOP  # an instance attribute: it may hold anything callable
        return None
    found = _along_bases(class_entry, class_qualified, find)
    return None if found is _STOP else found


def lookup_attribute(class_entry, class_qualified: str, attribute: str, typevar_bound=None) -> Optional[str]:
    """The qualified type an attribute or property of a class is declared with (looking along its
    bases; a TypeVar stands for what a subclass bound it to, else for its bound), or None:
    unknown, or bound to different things."""
    def find(cls: ClassEntry, env) -> Optional[str]:
        found = cls.attributes.get(attribute)
        if found is None and (attribute in cls.coroutines or attribute in cls.methods):
            return UNKNOWN  # a method or a plain class attribute: not an instance of a class we know
        if found is not None and found != UNKNOWN and typevar_bound is not None:
            seen = 0
            while seen < 4 and typevar_bound(found) is not None:
                found = env[found] if found in env else typevar_bound(found)
                seen += 1
        return found
    found = _along_bases(class_entry, class_qualified, find, typevar_bound=typevar_bound)
    return None if found in (None, UNKNOWN) else found


class LazyIndex:
    """A :class:`ProjectIndex` built by ``build()`` on first use; it answers as the index does."""

    def __init__(self, build):
        self._build = build
        self._index: Optional[ProjectIndex] = None

    def resolve(self) -> ProjectIndex:
        if self._index is None:
            self._index = self._build()
        return self._index

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)


class RecordingIndex:
    """A view of a :class:`ProjectIndex` for linting one file: it answers as the index does and
    records every question with its answer, which is what the file's result depends on in the
    index (the result cache keeps the record and checks it against the next run's index).

    :meth:`coroutine_member_names`, :meth:`async_attribute_methods` and
    :meth:`owner_async_methods` are questions answered by a whole set; their users test it against
    the identifiers of the file, so what is recorded is the set's digest and, once the file's text
    is known (:meth:`seen_text`), the names of the set the file mentions (a dotted one when it
    mentions each of its parts).
    """

    def __init__(self, index: ProjectIndex):
        self._index = index
        self._queries: Dict[tuple, object] = {}
        self._sets_asked: Set[str] = set()
        self._text: Optional[str] = None

    @property
    def root(self) -> str:
        return self._index.root

    @property
    def lint_root(self) -> str:
        return self._index.lint_root

    def seen_text(self, text: str) -> None:
        self._text = text

    def coroutine_member_names(self) -> frozenset:
        self._sets_asked.add("coroutine_member_names")
        return self._index.coroutine_member_names()

    def async_attribute_methods(self) -> frozenset:
        self._sets_asked.add("async_attribute_methods")
        return self._index.async_attribute_methods()

    def owner_async_methods(self) -> frozenset:
        self._sets_asked.add("owner_async_methods")
        return self._index.owner_async_methods()

    def _ask(self, method: str, *args):
        key = (method, args)
        if key not in self._queries:
            self._queries[key] = getattr(self._index, method)(*args)
        return self._queries[key]

    def module_of(self, rel: str) -> Tuple[str, bool]:
        return self._ask("module_of", rel)

    def is_coroutine_function(self, qualified: str) -> Optional[bool]:
        return self._ask("is_coroutine_function", qualified)

    def method_is_coroutine(self, class_qualified: str, method: str) -> Optional[bool]:
        return self._ask("method_is_coroutine", class_qualified, method)

    def attribute_type(self, class_qualified: str, attribute: str) -> Optional[str]:
        return self._ask("attribute_type", class_qualified, attribute)

    def typevar_bound(self, qualified: str) -> Optional[str]:
        return self._ask("typevar_bound", qualified)

    def has_module(self, name: str) -> bool:
        return self._ask("has_module", name)

    def instance_type(self, qualified: str) -> Optional[str]:
        return self._ask("instance_type", qualified)

    def is_coroutine_decorator(self, qualified: str) -> bool:
        return self._ask("is_coroutine_decorator", qualified)

    def class_entry(self, qualified: str):
        return self._ask("class_entry", qualified)

    def syncifies_methods(self) -> bool:
        return self._ask("syncifies_methods")

    def sets_socket_default(self, package: str) -> bool:
        return self._ask("sets_socket_default", package)

    def imported_as(self, qualified: str) -> Optional[str]:
        return self._ask("imported_as", qualified)

    def queries(self) -> Tuple[tuple, ...]:
        """(method, args, answer) for each question asked; see the class docstring for the names."""
        out = [(method, args, answer) for (method, args), answer in self._queries.items()]
        for which in sorted(self._sets_asked):
            from .cache import mentioned_names

            names = getattr(self._index, which)()
            mentioned = mentioned_names(names, self._text) if self._text is not None else None
            out.append(("names", (which, self._index.names_key(which), mentioned), None))
        return tuple(out)


def _cache_dir() -> Optional[Path]:
    from .cache import cache_dir

    return cache_dir()


def _wanted(rel: str, data: bytes) -> bool:
    """Whether the first pass indexes the file: a package's `__init__`, coroutines, methods made
    sync at run time, a process-wide socket timeout, or a timeout helper imported under a name
    of the module's own (`from asyncio import timeout as asyncio_timeout`, re-exported to the
    project's other modules)."""
    return rel.endswith("__init__.py") or b"async def" in data or b"async  def" in data or \
        (b"iscoroutinefunction" in data and b"setattr" in data) or b"setdefaulttimeout" in data or \
        b"import timeout as" in data


_TEST_PARTS = frozenset({"tests", "test", "testing", "conftest"})


def _test_module(name: str) -> bool:
    """A module of the project's tests, by its dotted name (`tests.test_x`, `pkg.conftest`)."""
    parts = name.split(".")
    last = parts[-1]
    return any(part in _TEST_PARTS for part in parts) or last.startswith("test_") or last.endswith("_test")


def build(root: str, files: Sequence[Tuple[str, str]], *, use_cache: bool = True,
          tree_unchanged: bool = False) -> ProjectIndex:
    """Index ``files`` ((absolute path, root-relative path) pairs) of the project at ``root``.

    A file whose stat signature matches its cache entry is not read (stat-only revalidation).
    ``tree_unchanged`` (no directory of the project changed since the cached walk, see
    :func:`reslint.discover.discover`) also trusts the cached module names: no `__init__.py`
    can have appeared or gone.
    """
    # the names of a file also depend on `__init__.py` files above the root, which no walk sees
    tree_unchanged = tree_unchanged and not os.path.isfile(os.path.join(root, "__init__.py"))
    cache_file = None
    cached: Dict[str, list] = {}
    cache_dir = _cache_dir() if use_cache else None
    if cache_dir is not None:
        key = hashlib.blake2b(os.path.abspath(root).encode(), digest_size=8).hexdigest()
        cache_file = cache_dir / f"index-v{INDEX_VERSION}-{key}.json"
        from .cache import read_bytes, warn

        data = read_bytes(cache_file)
        try:
            cached = json.loads(data) if data is not None else {}
            if not isinstance(cached, dict):
                raise ValueError("not an object")
        except ValueError:
            warn(f"ignoring the corrupt cache file {cache_file}")
            cached = {}
    modules: Dict[str, ModuleEntry] = {}
    paths: Dict[str, Tuple[str, ...]] = {}
    fresh: Dict[str, list] = {}
    parsed = 0
    packages: Dict[str, List[str]] = {}
    # files not indexed in the first pass, by module name: (path, rel, names, signature, cache hit)
    reserve: Dict[str, tuple] = {}
    claims: Dict[str, List[str]] = {}  # module name -> the files that would be imported under it

    def add(rel: str, names: Tuple[str, ...], entry: ModuleEntry) -> None:
        paths[rel] = names
        for name in names:
            modules.setdefault(name, entry if name == names[0] else _rebased(entry, names[0], name))

    def parse(data: bytes, names: Tuple[str, ...], rel: str) -> Optional[ModuleEntry]:
        nonlocal parsed
        parsed += 1
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        return index_source(text, names[0], rel.endswith("__init__.py"))

    for path, rel in files:
        # cache entry: [[mtime_ns, size, ctime_ns], content digest or None, names, entry or None,
        # indexed in the first pass]; the ctime catches a file rewritten with its old size and
        # mtime put back (`touch -d`)
        try:
            stat = os.stat(path)
        except OSError:
            continue
        signature = [stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns]
        hit = _valid_hit(cached.get(rel))
        if tree_unchanged and hit is not None and hit[0] == signature and hit[2] is not None:
            names = tuple(hit[2])
        else:
            names = tuple(module_names(rel, root, packages))
        for name in names:
            claims.setdefault(name, []).append(rel)
        entry: Optional[ModuleEntry] = None
        reuse = hit is not None and hit[0] == signature and tuple(hit[2] or ()) == names
        if reuse:
            entry = _entry_of(hit)
            if entry is None and hit[3] is not None:
                reuse, hit = False, None  # a cached entry of the wrong shape: index the file again
        if reuse:
            if not hit[4]:
                # indexed only when another module needs it (second pass)
                for name in names:
                    reserve.setdefault(name, (path, rel, names, signature, hit))
                continue
            fresh[rel] = hit
        else:
            data = _read_bytes(path)
            if data is None:
                continue
            if not _wanted(rel, data) or not names:
                for name in names:
                    reserve.setdefault(name, (path, rel, names, signature, None))
                if not names:
                    fresh[rel] = [signature, None, [], None, False]
                continue
            digest = hashlib.blake2b(data, digest_size=16).hexdigest()
            if hit is not None and hit[1] == digest and tuple(hit[2] or ()) == names and \
                    (hit[3] is None or _entry_of(hit) is not None):
                entry = _entry_of(hit)
            else:
                entry = parse(data, names, rel)
            fresh[rel] = [signature, digest, list(names), entry.to_json() if entry is not None else None, True]
        if entry is None:
            continue
        add(rel, names, entry)

    # second pass: the modules that define a base class or an attribute type of an indexed class
    # (and what re-exports lead to), a few rounds deep; the others stay out of the index
    loaded: set = set()
    frontier = _references(modules.values())
    visited: set = set()
    for _ in range(6):
        wanted_next: set = set()
        visited |= frontier
        for qualified in sorted(frontier):
            parts = qualified.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                name = ".".join(parts[:cut])
                if name in modules:
                    imported = modules[name].imports.get(parts[cut])
                    if imported is not None:
                        wanted_next.add(".".join([imported, *parts[cut + 1:]]))
                    break
                item = reserve.get(name)
                if item is None or item[1] in loaded:
                    continue
                path, rel, names, signature, hit = item
                loaded.add(rel)
                entry = _entry_of(hit) if hit is not None and hit[1] is not None else None
                if entry is not None:
                    fresh[rel] = hit
                else:
                    data = _read_bytes(path)
                    if data is None:
                        break
                    entry = parse(data, names, rel)
                    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
                    fresh[rel] = [signature, digest, list(names), entry.to_json() if entry is not None else None,
                                  False]
                if entry is not None:
                    add(rel, names, entry)
                    wanted_next |= _references([entry])
                break
        frontier = wanted_next - visited
        if not frontier:
            break
    for item in reserve.values():
        if item[1] not in fresh:
            # not needed this time; a cached second-pass entry is kept for the next run
            hit = item[4]
            fresh[item[1]] = hit if hit is not None else [item[3], None, list(item[2]), None, False]
    # a name two files claim (a vendored fork of a package, two projects in one tree): which one
    # an import reaches depends on the path the program runs with, so neither is the answer
    shadowed: Dict[str, ModuleEntry] = {}
    for name, rels in claims.items():
        if len(rels) > 1 and name in modules:
            shadowed[name] = modules.pop(name)
    if cache_file is not None and fresh != cached:
        from .cache import write_atomic

        write_atomic(cache_file, json.dumps(fresh).encode("utf-8"))  # on failure: warned, parsed again next time
    return ProjectIndex(root, modules, paths, files=len(files), parsed=parsed, shadowed=shadowed)


def _references(entries: Iterable[ModuleEntry]) -> set:
    """The qualified names the classes of ``entries`` derive from or declare attributes with."""
    out = set()
    for entry in entries:
        for cls in entry.classes.values():
            out.update(cls.bases)
            out.update(t for t in cls.attributes.values() if t != UNKNOWN)
            out.update(a for args in cls.type_args for a in args if a != UNKNOWN)
        out.update(t for t in entry.typevars.values() if t != UNKNOWN)
        out.update(entry.instances.values())
    return out


def _valid_hit(hit: Any) -> Optional[list]:
    """A cache entry of the expected shape, else None (the file is indexed again)."""
    if not isinstance(hit, list) or len(hit) != 5 or not isinstance(hit[4], bool):
        return None
    signature, digest, names, _, _ = hit
    if not isinstance(signature, list) or not all(isinstance(v, int) for v in signature):
        return None
    if digest is not None and not isinstance(digest, str):
        return None
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        return None
    return hit


def _entry_of(hit: list) -> Optional[ModuleEntry]:
    if hit[3] is None:
        return None
    try:
        entry = ModuleEntry.from_json(hit[3])
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        return None
    if not isinstance(entry.instances, dict):
        return None
    strings = [*entry.coroutines, *entry.names, *entry.imports, *entry.imports.values(), *entry.classes,
               *entry.typevars, *entry.typevars.values(), *entry.coroutine_decorators, *entry.decorated,
               *(d for v in entry.decorated.values() for d in v), *entry.instances, *entry.instances.values()]
    for cls in entry.classes.values():
        if not isinstance(cls.attributes, dict):
            return None
        strings.extend((*cls.bases, *cls.coroutines, *cls.methods, *cls.attributes, *cls.attributes.values(),
                        *cls.params, *(a for args in cls.type_args for a in args), *cls.decorated,
                        *(d for v in cls.decorated.values() for d in v)))
    return entry if all(isinstance(v, str) for v in strings) else None


def _rebased(entry: ModuleEntry, primary: str, alias: str) -> ModuleEntry:
    """The entry seen under another name of the same file: local references follow the alias."""
    prefix = primary + "."
    def fix(value: str) -> str:
        return alias + "." + value[len(prefix):] if value.startswith(prefix) else value
    classes = {k: ClassEntry(tuple(fix(b) for b in c.bases), c.coroutines, c.methods,
                             {a: fix(t) for a, t in c.attributes.items()},
                             tuple(tuple(fix(a) for a in args) for args in c.type_args), tuple(fix(p) for p in c.params),
                             {m: tuple(fix(d) for d in v) for m, v in c.decorated.items()})
               for k, c in entry.classes.items()}
    return ModuleEntry(entry.coroutines, entry.names, classes, dict(entry.imports),
                       {k: fix(v) for k, v in entry.typevars.items()}, entry.coroutine_decorators,
                       {k: tuple(fix(d) for d in v) for k, v in entry.decorated.items()},
                       {k: fix(v) for k, v in entry.instances.items()}, entry.syncifies, entry.socket_default)


_NOT_PACKAGES = frozenset({"src", "lib", "lib64", "site-packages", "dist-packages", "python", "tmp", "home", "usr"})
_PACKAGES: Dict[str, List[str]] = {}  # directory -> its packages, innermost first, across the files of a run


def _read_bytes(path: str) -> Optional[bytes]:
    """The file's content, or None when it cannot be read (it is then left out of the index)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def module_of_file(path: str) -> Tuple[Optional[str], bool]:
    """The dotted name of the file at ``path`` when it sits in a package (its directory holds an
    `__init__.py`), found by walking up the `__init__.py` files, and whether it is a package."""
    if not path or not path.endswith(".py"):
        return None, False
    if not os.path.isfile(path):
        return None, False  # a path relative to a root other than the working directory
    directory = os.path.dirname(os.path.abspath(path))
    packages = list(_packages(directory, _PACKAGES))
    if not packages:
        # no `__init__.py` (a namespace package, or a file copied out of its distribution): the
        # folders above it whose names are identifiers, up to one that cannot be a package (an
        # unpacked distribution's `name-1.0`, `src`, `site-packages`)
        current = directory
        while True:
            name = os.path.basename(current)
            if not name.isidentifier() or name in _NOT_PACKAGES:
                break
            packages.append(name)
            parent = os.path.dirname(current)
            if parent == current or len(packages) > 6:
                return None, False
            current = parent
        if not packages or not os.path.basename(current):
            return None, False
    base = os.path.basename(path)[:-3]
    is_package = base == "__init__"
    parts = [*reversed(packages)] + ([] if is_package else [base])
    if not all(p.isidentifier() for p in parts):
        return None, False
    return ".".join(parts), is_package
