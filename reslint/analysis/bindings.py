"""What a receiver is: the type a name or `self.<attr>` was bound to, within one file.

    s = requests.Session()                 s      -> requests.Session
    with requests.Session() as s:          s      -> requests.Session
    self._http = requests.Session()        (in any method) self._http -> requests.Session
    def fetch(s: requests.Session): ...    s      -> requests.Session
    s = make_session()                     (a module function returning one) -> requests.Session
    fut = executor.submit(job)             fut    -> concurrent.futures.Future

A name bound to different things in one scope, or to something unknown, is
unknown (assignments of `None`, the usual "not connected yet", are ignored).
Local names are looked up in the enclosing functions, then at module level.
Flow is not followed: precision comes from refusing to guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence

from ..lazycst import cst

from .blocks import statements
from .names import ImportTable, dotted_name, target_names
from .types import ANNOTATIONS, AWAITED_TUPLES, CONSTRUCTORS, ENTER_RETURNS_SELF, METHOD_RETURNS, PATH, SUBCLASSABLE
from .types import SOCKET as SOCKET_TYPE



# generic containers and unions: an annotation `List[X]` is not an X
_CONTAINERS = frozenset({
    "List", "list", "Set", "set", "FrozenSet", "frozenset", "Tuple", "tuple", "Dict", "dict", "Sequence",
    "Iterable", "Iterator", "Collection", "Mapping", "MutableMapping", "MutableSequence", "Deque", "deque",
    "Union", "Optional", "Type", "type", "Callable", "Awaitable", "Coroutine", "Generator", "ClassVar", "Final",
    "Annotated", "Literal",
}) | frozenset("typing." + n for n in ("List", "Set", "FrozenSet", "Tuple", "Dict", "Sequence", "Iterable",
                                       "Iterator", "Collection", "Mapping", "MutableMapping", "MutableSequence",
                                       "Deque", "Union", "Optional", "Type", "Callable", "Awaitable", "Coroutine",
                                       "Generator", "ClassVar", "Final", "Annotated", "Literal"))
# containers whose iteration yields their (first) element type
_SEQUENCES = frozenset({"List", "list", "Set", "set", "FrozenSet", "frozenset", "Sequence", "Iterable", "Iterator",
                        "Collection", "MutableSequence", "Deque", "deque", "Tuple", "tuple"})
# mappings: `.values()` yields their second element type
_MAPPINGS = frozenset({"Dict", "dict", "Mapping", "MutableMapping"})


def _bare(name: Optional[str]) -> str:
    return (name or "").rsplit(".", 1)[-1] if (name or "").startswith("typing.") else (name or "")


def _slices(sub: cst.Subscript) -> List[cst.BaseExpression]:
    return [e.slice.value for e in sub.slice if isinstance(e.slice, cst.Index)]


def _union_members(annotation: cst.BaseExpression) -> List[cst.BaseExpression]:
    """`Union[A, B]`, `Optional[A]`, `A | B | None`, `"A"` -> the member expressions, `None` dropped."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _union_members(annotation.left) + _union_members(annotation.right)
    if isinstance(annotation, cst.Subscript) and _bare(dotted_name(annotation.value)) in ("Union", "Optional"):
        out: List[cst.BaseExpression] = []
        for member in _slices(annotation):
            out.extend(_union_members(member))
        return out
    if isinstance(annotation, cst.Name) and annotation.value == "None":
        return []
    if isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value if isinstance(annotation.evaluated_value, str) else ""
        try:
            return _union_members(cst.parse_expression(text.strip()))
        except Exception:  # noqa: BLE001 - a string that is not an expression: no type
            return []
    return [annotation]


def element_annotation(annotation: cst.BaseExpression, via_values: bool = False) -> Optional[cst.BaseExpression]:
    """What iterating a value of this annotation yields: `List[X]` -> X, `Dict[K, V]` with
    ``via_values`` (`.values()`) -> V; None when it is not such a container."""
    members = _union_members(annotation)
    if len(members) != 1 or not isinstance(members[0], cst.Subscript):
        return None
    sub = members[0]
    kind = _bare(dotted_name(sub.value))
    parts = _slices(sub)
    if via_values:
        return parts[1] if kind in _MAPPINGS and len(parts) == 2 else None
    if kind in _SEQUENCES and parts:
        return parts[0]
    return None


@dataclass(frozen=True)
class TypeInfo:
    type: str
    # the constructor call, when every binding came from the same one
    origin: Optional[cst.Call] = None
    # a project class (in this file) the value is an instance of, subclassing ``type``
    subclass: Optional[cst.ClassDef] = None
    # the function or method of this file that built and returned it (`self._new_session()`)
    factory: Optional[cst.FunctionDef] = None


_UNKNOWN = object()


def _merge(infos: Sequence[Any]) -> Optional[TypeInfo]:
    known = [i for i in infos if i is not None]
    if not known or any(i is _UNKNOWN for i in known):
        return None
    first = known[0]
    if any(i.type != first.type or i.subclass is not first.subclass for i in known):
        return None
    same_origin = all(i.origin is first.origin for i in known)
    same_factory = all(i.factory is first.factory for i in known)
    if same_origin and same_factory:
        return first
    return TypeInfo(first.type, first.origin if same_origin else None, first.subclass,
                    first.factory if same_factory else None)


def _small(stmt: cst.CSTNode) -> Iterator[cst.CSTNode]:
    if isinstance(stmt, cst.SimpleStatementLine):
        yield from stmt.body
    elif isinstance(stmt, cst.BaseCompoundStatement):
        body = getattr(stmt, "body", None)
        if isinstance(body, cst.SimpleStatementSuite):
            yield from body.body


class Bindings:
    """Receiver types for one file, computed lazily per scope and cached."""

    def __init__(self, module: cst.Module, imports: ImportTable, constructors: Optional[Mapping[str, str]] = None):
        self.module = module
        self.imports = imports
        self.constructors = dict(CONSTRUCTORS)
        if constructors:
            self.constructors.update(constructors)
        self._functions: Dict[int, Dict[str, List[Any]]] = {}
        self._classes: Dict[int, Dict[str, List[Any]]] = {}
        self._module_table: Optional[Dict[str, List[Any]]] = None
        self._module_defs: Optional[Dict[str, cst.CSTNode]] = None
        self._factories: Dict[int, Optional[TypeInfo]] = {}
        self._busy: set = set()
        self._declared_cache: Dict[int, Any] = {}

    # -- module-level definitions ------------------------------------------
    def module_defs(self) -> Dict[str, cst.CSTNode]:
        if self._module_defs is None:
            defs: Dict[str, cst.CSTNode] = {}
            for stmt in self.module.body:
                if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                    defs[stmt.name.value] = stmt
            self._module_defs = defs
        return self._module_defs

    def project_subclass_base(self, cls: cst.ClassDef) -> Optional[str]:
        """The known base type a class of this file derives from (directly or through another)."""
        for base in cls.bases:
            qualified = self.imports.resolve(base.value)
            if qualified in self.constructors and self.constructors[qualified] in SUBCLASSABLE:
                return self.constructors[qualified]
            name = dotted_name(base.value)
            parent = self.module_defs().get(name or "")
            if isinstance(parent, cst.ClassDef) and parent is not cls:
                found = self.project_subclass_base(parent)
                if found:
                    return found
        return None

    # -- tables --------------------------------------------------------------
    def _bind(self, table: Dict[str, List[Any]], name: str, info: Any) -> None:
        table.setdefault(name, []).append(info)

    def _value_info(self, value: cst.BaseExpression, scope: Sequence[cst.CSTNode]) -> Any:
        if isinstance(value, cst.Name) and value.value == "None":
            return None  # "not connected yet": neutral
        info = self.type_of(value, scope)
        return info if info is not None else _UNKNOWN

    def _annotation_info(self, annotation: cst.BaseExpression) -> Any:
        expr = annotation
        if isinstance(expr, cst.SimpleString):
            text = expr.evaluated_value if isinstance(expr.evaluated_value, str) else ""
            qualified = self.imports.resolve_dotted(text.strip()) if text.strip().replace(".", "").isidentifier() else None
        else:
            if isinstance(expr, cst.Subscript) and dotted_name(expr.value) in ("Optional", "typing.Optional"):
                element = expr.slice[0].slice if expr.slice else None
                expr = element.value if isinstance(element, cst.Index) else expr
            if isinstance(expr, cst.Subscript) and dotted_name(expr.value) not in _CONTAINERS:
                expr = expr.value  # a generic class: `queue.Queue[Job]`, `subprocess.Popen[bytes]`
            elif isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
                if isinstance(expr.right, cst.Name) and expr.right.value == "None":
                    expr = expr.left
            qualified = self.imports.resolve(expr)
        if qualified in ANNOTATIONS:
            return TypeInfo(ANNOTATIONS[qualified])
        return _UNKNOWN

    def _collect_block(self, table: Dict[str, List[Any]], body: Sequence[cst.CSTNode], scope: Sequence[cst.CSTNode]) -> None:
        for stmt in statements(body):
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                self._bind(table, stmt.name.value, _UNKNOWN)
                continue
            if isinstance(stmt, cst.With):
                for item in stmt.items:
                    if item.asname is not None and isinstance(item.asname.name, cst.Name):
                        info = self.type_of(item.item, scope)
                        if info is not None and info.type in ENTER_RETURNS_SELF:
                            self._bind(table, item.asname.name.value, info)
                        else:
                            self._bind(table, item.asname.name.value, _UNKNOWN)
            if isinstance(stmt, cst.For):
                for name in target_names(stmt.target):
                    self._bind(table, name, _UNKNOWN)
            for small in _small(stmt):
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            self._bind(table, target.target.value, self._value_info(small.value, scope))
                        else:
                            known = self._awaited_tuple(small.value, target.target)
                            for name in target_names(target.target):
                                self._bind(table, name, known.get(name, _UNKNOWN))
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    if small.value is not None:
                        self._bind(table, small.target.value, self._value_info(small.value, scope))
                    else:
                        self._bind(table, small.target.value, self._annotation_info(small.annotation.annotation))
                elif isinstance(small, cst.AugAssign) and isinstance(small.target, cst.Name):
                    self._bind(table, small.target.value, _UNKNOWN)
                elif isinstance(small, (cst.Import, cst.ImportFrom)):
                    names = small.names if not isinstance(small.names, cst.ImportStar) else ()
                    for alias in names:
                        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else (dotted_name(alias.name) or "").split(".")[0]
                        if local:
                            self._bind(table, local, _UNKNOWN)
            for handler in getattr(stmt, "handlers", ()):
                if handler.name is not None and isinstance(handler.name.name, cst.Name):
                    self._bind(table, handler.name.name.value, _UNKNOWN)

    def _awaited_tuple(self, value: cst.BaseExpression, target: cst.BaseExpression) -> Dict[str, Any]:
        """`reader, writer = await asyncio.open_connection(...)` -> {reader: StreamReader, writer: StreamWriter}."""
        if not (isinstance(value, cst.Await) and isinstance(value.expression, cst.Call) and isinstance(target, cst.Tuple)):
            return {}
        types = AWAITED_TUPLES.get(self.imports.resolve(value.expression.func) or "")
        if types is None or len(types) != len(target.elements):
            return {}
        return {el.value.value: TypeInfo(t) for el, t in zip(target.elements, types) if isinstance(el.value, cst.Name)}

    def _function_table(self, func: cst.FunctionDef, scope: Sequence[cst.CSTNode]) -> Dict[str, List[Any]]:
        key = id(func)
        table = self._functions.get(key)
        if table is None:
            table = {}
            self._functions[key] = table  # before filling: recursive lookups see a partial table
            params = func.params
            for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
                if param.annotation is not None:
                    self._bind(table, param.name.value, self._annotation_info(param.annotation.annotation))
                else:
                    self._bind(table, param.name.value, _UNKNOWN)
            for star in (params.star_arg, params.star_kwarg):
                if isinstance(star, cst.Param):
                    self._bind(table, star.name.value, _UNKNOWN)
            if isinstance(func.body, cst.IndentedBlock):
                self._collect_block(table, func.body.body, scope)
            else:
                self._collect_block(table, [func], scope)
        return table

    def _class_table(self, cls: cst.ClassDef) -> Dict[str, List[Any]]:
        key = id(cls)
        table = self._classes.get(key)
        if table is None:
            table = {}
            self._classes[key] = table
            body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else ()
            for stmt in body:
                for small in _small(stmt):
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        self._bind(table, small.target.value, self._annotation_info(small.annotation.annotation))
                    elif isinstance(small, cst.Assign):
                        # a class attribute: `session = requests.Session()` in the class body
                        for target in small.targets:
                            if isinstance(target.target, cst.Name):
                                self._bind(table, target.target.value,
                                           self._value_info(small.value, (self.module, cls, cls.body)))
                if isinstance(stmt, cst.FunctionDef) and isinstance(stmt.body, cst.IndentedBlock):
                    params = stmt.params.params
                    if not params:
                        continue
                    this = params[0].name.value
                    scope = (self.module, cls, cls.body, stmt)
                    for inner in statements(stmt.body.body):
                        for small in _small(inner):
                            targets = []
                            if isinstance(small, cst.Assign):
                                targets = [t.target for t in small.targets]
                            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                                targets = [small.target]
                            for target in targets:
                                if (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)
                                        and target.value.value == this):
                                    self._bind(table, target.attr.value, self._value_info(small.value, scope))
        return table

    def _module_bindings(self) -> Dict[str, List[Any]]:
        if self._module_table is None:
            self._module_table = {}
            self._collect_block(self._module_table, self.module.body, (self.module,))
        return self._module_table

    # -- factories -----------------------------------------------------------
    def _factory(self, func: cst.FunctionDef) -> Optional[TypeInfo]:
        key = id(func)
        if key in self._factories:
            return self._factories[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        try:
            result: Any = None
            if func.returns is not None:
                annotated = self._annotation_info(func.returns.annotation)
                if isinstance(annotated, TypeInfo):
                    result = annotated
            if result is None and isinstance(func.body, cst.IndentedBlock):
                infos = []
                for stmt in statements(func.body.body):
                    for small in _small(stmt):
                        if isinstance(small, cst.Return) and small.value is not None:
                            infos.append(self._value_info(small.value, (self.module, func)))
                merged = _merge(infos) if infos else None
                result = TypeInfo(merged.type, None, merged.subclass) if merged is not None else None
            if result is not None:
                result = TypeInfo(result.type, None, result.subclass, func)
        finally:
            self._busy.discard(key)
        self._factories[key] = result
        return result

    # -- lookups -------------------------------------------------------------
    def type_of(self, expr: cst.BaseExpression, scope: Sequence[cst.CSTNode]) -> Optional[TypeInfo]:
        """The type of ``expr`` as seen from ``scope`` (an ancestor stack, Module first)."""
        if isinstance(expr, cst.Call):
            return self._call_type(expr, scope)
        if isinstance(expr, cst.Name):
            return self._name_type(expr.value, scope)
        if isinstance(expr, cst.Attribute) and expr.attr.value == "parent":
            owner = self.type_of(expr.value, scope)
            if owner is not None and owner.type == PATH:
                return TypeInfo(PATH)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            return self._attribute_type(expr, scope)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Divide):
            # `base / "name"`: a path joined to more parts is a path
            left = self.type_of(expr.left, scope)
            return TypeInfo(left.type) if left is not None and left.type == PATH else None
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            # `session or requests.Session()`: both sides the same type
            left, right = self.type_of(expr.left, scope), self.type_of(expr.right, scope)
            if left is not None and right is not None and left.type == right.type:
                return TypeInfo(left.type, None, left.subclass if left.subclass is right.subclass else None)
        return None

    def _call_type(self, call: cst.Call, scope: Sequence[cst.CSTNode]) -> Optional[TypeInfo]:
        qualified = self.imports.resolve(call.func)
        if qualified in self.constructors:
            return TypeInfo(self.constructors[qualified], call)
        name = dotted_name(call.func)
        # a def or class of this module (which resolves to the module's own name in a package)
        if name and "." not in name and (self.imports.resolve_dotted(name) is None or name in self.imports.own_classes):
            local = self._name_binding_node(name, scope)
            if isinstance(local, cst.FunctionDef):
                return self._factory(local)
            if isinstance(local, cst.ClassDef):
                base = self.project_subclass_base(local)
                return TypeInfo(base, call, local) if base else None
        if isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name):
            # `self._spawn()`: a method of this class (or a base in this module) that returns one
            method, cls = self._enclosing_class(scope)
            if cls is not None and call.func.value.value == self._self_name(method):
                found = self._method(cls, call.func.attr.value)
                if found is not None:
                    return self._factory(found)
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "wrap_socket" and call.args:
            # `ssl_context.wrap_socket(sock, ...)`: the TLS socket waits like the one it wraps
            wrapped = self.type_of(call.args[0].value, scope) if call.args[0].keyword is None else None
            if wrapped is not None and wrapped.type == SOCKET_TYPE:
                return TypeInfo(SOCKET_TYPE)
        if isinstance(call.func, cst.Attribute):
            receiver = self.type_of(call.func.value, scope)
            if receiver is not None:
                returned = METHOD_RETURNS.get((receiver.type, call.func.attr.value))
                if returned is not None:
                    return TypeInfo(returned, call)
        return None

    def _name_binding_node(self, name: str, scope: Sequence[cst.CSTNode]) -> Optional[cst.CSTNode]:
        """A module-level def/class of that name, unless an enclosing function rebinds it."""
        for node in reversed(scope):
            if isinstance(node, cst.FunctionDef) and name in self._function_table(node, scope):
                return None
        if name in self._module_bindings() and self.module_defs().get(name) is None:
            return None
        return self.module_defs().get(name)

    def _name_type(self, name: str, scope: Sequence[cst.CSTNode]) -> Optional[TypeInfo]:
        for depth in range(len(scope) - 1, -1, -1):
            node = scope[depth]
            if isinstance(node, cst.FunctionDef):
                table = self._function_table(node, scope[: depth + 1])
                if name in table:
                    merged = _merge(table[name])
                    if merged is None and not any(isinstance(n, cst.FunctionDef) for n in scope[depth + 1:]):
                        # a loop variable over declared elements (`for q in queues` with
                        # `queues: List[queue.Queue]`), or a name declared `q: queue.Queue`
                        declared = self._declared(name, scope[: depth + 1])
                        if declared is not None:
                            found = self._declared_type(declared)
                            return found if isinstance(found, TypeInfo) else None
                    return merged
        table = self._module_bindings()
        if name in table:
            return _merge(table[name])
        return None

    def module_bases(self, cls: cst.ClassDef, seen: Optional[set] = None) -> List[cst.ClassDef]:
        """``cls`` and the classes of this module it derives from, nearest first."""
        seen = set() if seen is None else seen
        if id(cls) in seen:
            return []
        seen.add(id(cls))
        out = [cls]
        for base in cls.bases:
            parent = self.module_defs().get(dotted_name(base.value) or "")
            if isinstance(parent, cst.ClassDef):
                out.extend(self.module_bases(parent, seen))
        return out

    def _member_type(self, cls: cst.ClassDef, attr: str) -> Optional[TypeInfo]:
        """The type of `<instance of cls>.<attr>`: from the nearest class of this module (``cls``
        or a base) that binds it."""
        for klass in self.module_bases(cls):
            table = self._class_table(klass)
            if attr in table:
                return _merge(table[attr])
        return None

    def _method(self, cls: cst.ClassDef, name: str) -> Optional[cst.FunctionDef]:
        for klass in self.module_bases(cls):
            body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
            for stmt in body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
                    return stmt
        return None

    def _enclosing_class(self, scope: Sequence[cst.CSTNode]):
        """(method, class) when the innermost function of ``scope`` is a method, else (None, None)."""
        method = next((n for n in reversed(scope) if isinstance(n, cst.FunctionDef)), None)
        if method is None:
            return None, None
        index = list(scope).index(method)
        parent = scope[index - 1] if index >= 1 else None
        if isinstance(parent, cst.IndentedBlock) and index >= 2:
            parent = scope[index - 2]
        return (method, parent) if isinstance(parent, cst.ClassDef) else (None, None)

    def _self_name(self, method: cst.FunctionDef) -> Optional[str]:
        params = method.params.params
        return params[0].name.value if params else None

    # -- declared types ----------------------------------------------------------
    def _declared(self, name: str, scope: Sequence[cst.CSTNode],
                  seen: FrozenSet[str] = frozenset()) -> Optional[cst.BaseExpression]:
        """The annotation a name of the innermost function is declared with: a parameter's, an
        annotated assignment's (`child: Union[A, B]`), or, for a loop variable, the element type
        of what it iterates when that is declared (`for w in self.workers` with `workers:
        List[Worker]`, `for q in queues.values()` with `queues: Dict[str, Queue]`). ``seen``: the
        loop variables already followed (`for chunk in chunk:` iterates itself)."""
        func = next((n for n in reversed(scope) if isinstance(n, cst.FunctionDef)), None)
        if func is None or name in seen:
            return None
        annotations, loops = self._declarations(func)
        if name in annotations:
            return annotations[name]
        if len(loops.get(name, ())) != 1:
            return None
        iterated = loops[name][0].iter
        via_values = False
        if isinstance(iterated, cst.Call) and isinstance(iterated.func, cst.Attribute) \
                and iterated.func.attr.value == "values" and not iterated.args:
            iterated, via_values = iterated.func.value, True
        container = self._declared_expr(iterated, scope, seen | {name})
        return element_annotation(container, via_values) if container is not None else None

    def _declarations(self, func: cst.FunctionDef):
        """Per function, once: the annotation each name is declared with (parameters first, then
        the first annotated assignment), and the `for` loops that bind each plain name."""
        key = id(func)
        found = self._declared_cache.get(key)
        if found is None:
            annotations: Dict[str, cst.BaseExpression] = {}
            loops: Dict[str, List[cst.For]] = {}
            params = func.params
            for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
                if param.annotation is not None:
                    annotations.setdefault(param.name.value, param.annotation.annotation)
            for stmt in statements(func.body.body if isinstance(func.body, cst.IndentedBlock) else [func]):
                for small in _small(stmt):
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        annotations.setdefault(small.target.value, small.annotation.annotation)
                if isinstance(stmt, cst.For) and isinstance(stmt.target, cst.Name):
                    loops.setdefault(stmt.target.value, []).append(stmt)
            found = self._declared_cache[key] = (annotations, loops)
        return found

    def _declared_expr(self, expr: cst.BaseExpression, scope: Sequence[cst.CSTNode],
                       seen: FrozenSet[str] = frozenset()) -> Optional[cst.BaseExpression]:
        """The declared annotation of a name or of `self.<attr>` (class-level or `self.x: T = ...`)."""
        if isinstance(expr, cst.Name):
            return self._declared(expr.value, scope, seen)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
            method, cls = self._enclosing_class(scope)
            if cls is None or expr.value.value != self._self_name(method):
                return None
            for klass in self.module_bases(cls):
                body = klass.body.body if isinstance(klass.body, cst.IndentedBlock) else ()
                for stmt in body:
                    for small in _small(stmt):
                        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) \
                                and small.target.value == expr.attr.value:
                            return small.annotation.annotation
                    if not isinstance(stmt, cst.FunctionDef):
                        continue
                    for inner in statements(stmt.body.body if isinstance(stmt.body, cst.IndentedBlock) else []):
                        for small in _small(inner):
                            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Attribute) \
                                    and small.target.attr.value == expr.attr.value \
                                    and isinstance(small.target.value, cst.Name) \
                                    and small.target.value.value == self._self_name(stmt):
                                return small.annotation.annotation
        return None

    def _declared_type(self, annotation: cst.BaseExpression) -> Any:
        """A known type named by a declared annotation (`queue.Queue[Job]`, `Optional[Event]`)."""
        members = _union_members(annotation)
        infos = [self._annotation_info(m) for m in members]
        return _merge(infos) if infos else None

    def _declared_classes(self, annotation: cst.BaseExpression) -> List[cst.ClassDef]:
        """The classes of this module an annotation names (`Union[WorkerThread, ConsumerThread]`);
        empty when any member is something else."""
        out = []
        for member in _union_members(annotation):
            found = self.module_defs().get(dotted_name(member) or "")
            if not isinstance(found, cst.ClassDef):
                return []
            out.append(found)
        return out

    def _declared_member(self, expr: cst.Attribute, scope: Sequence[cst.CSTNode]) -> Optional[TypeInfo]:
        """`child.paused_event` where `child` is declared as classes of this module that all bind
        `paused_event` to the same known type."""
        annotation = self._declared(expr.value.value, scope)  # type: ignore[union-attr]
        if annotation is None:
            return None
        classes = self._declared_classes(annotation)
        if not classes:
            return None
        infos = [self._member_type(cls, expr.attr.value) for cls in classes]
        if any(info is None for info in infos):
            return None
        return _merge(infos)

    def _attribute_type(self, expr: cst.Attribute, scope: Sequence[cst.CSTNode]) -> Optional[TypeInfo]:
        owner = expr.value.value  # type: ignore[union-attr]
        method = next((n for n in reversed(scope) if isinstance(n, cst.FunctionDef)), None)
        cls = None
        if method is not None:
            index = list(scope).index(method)
            parent = scope[index - 1] if index >= 1 else None
            if isinstance(parent, cst.IndentedBlock) and index >= 2:
                parent = scope[index - 2]
            if isinstance(parent, cst.ClassDef):
                cls = parent
        if cls is None or method is None or not method.params.params \
                or owner != method.params.params[0].name.value:
            return self._declared_member(expr, scope)
        return self._member_type(cls, expr.attr.value)
