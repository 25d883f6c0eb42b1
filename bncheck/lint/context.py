"""One walk over a module's AST that collects what the rules ask about.

The walk records every call with its surroundings (enclosing functions, ``with``
items and ``if`` branches, the statement it belongs to), every simple
assignment, and every read of a name, so that each rule is a few queries over
these facts instead of a visitor of its own.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from bncheck.lint.aliases import ImportMap, bound_names, canonical, dotted_text


@dataclass(eq=False)
class CallSite:
    """A call and where it sits."""

    node: ast.Call
    functions: tuple[ast.AST, ...]  # enclosing function definitions, outermost first
    classes: tuple[ast.ClassDef, ...]
    withs: tuple[ast.expr, ...]  # context expressions of enclosing `with` statements, outermost first
    ifs: tuple[tuple[ast.If, bool], ...]  # enclosing `if`s and whether the call is in the `else` branch
    statement: ast.stmt
    qualname: str | None = None  # canonical name of the callee, when it resolves to an import
    raw: str | None = None  # the callee's fully qualified name as spelled by the imports
    callee: str | None = None  # the callee as written when it is a dotted name (``opt.minimize``)
    # ``minimize`` for ``opt.minimize(...)``; the name for a plain ``f(...)``; None for ``f()(...)``
    method: str | None = None

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def column(self) -> int:
        return self.node.col_offset + 1

    @property
    def function(self) -> ast.AST | None:
        return self.functions[-1] if self.functions else None

    def keyword(self, name: str) -> ast.expr | None:
        """The value of keyword argument ``name``, or None."""
        for keyword in self.node.keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    @property
    def has_star_kwargs(self) -> bool:
        return any(keyword.arg is None for keyword in self.node.keywords)


@dataclass(eq=False)
class Assignment:
    """``target = value`` (or ``target: T = value``) with a plain or dotted target."""

    target: str
    value: ast.expr
    function: ast.AST | None
    statement: ast.stmt


@dataclass(eq=False)
class Binding:
    """A name bound other than by ``name = value``: unpacking, ``for``, ``with ... as``, ``+=``.

    ``how`` is ``"unpack"`` (element ``index`` of ``value``), ``"iterate"`` (an element of
    ``value``), ``"enter"`` (what ``with value as name`` gives) or ``"augment"`` (``name += value``).
    """

    target: str
    value: ast.expr
    function: ast.AST | None
    statement: ast.stmt
    how: str
    index: int = 0


@dataclass(eq=False)
class FileContext:
    """Everything the rules know about one file."""

    path: str
    source: str
    tree: ast.Module
    imports: ImportMap
    calls: list[CallSite] = field(default_factory=list)
    assignments: dict[str, list[Assignment]] = field(default_factory=dict)
    bindings: dict[str, list[Binding]] = field(default_factory=dict)  # the other ways of binding a name
    enclosing: dict[ast.AST, ast.AST | None] = field(default_factory=dict)  # function -> enclosing function
    functions: dict[str, list[ast.AST]] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    attributes: set[str] = field(default_factory=set)  # every `.name` the file spells (`ops.batch_norm`)
    # `d[key] = value`: what is stored into the container named `d`, with the function it happens in
    stores: dict[str, list[tuple[ast.expr, ast.AST | None]]] = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # config values the rules read (target_version, ...)
    cache: dict = field(default_factory=dict)  # facts shared between rules, computed once per file
    _parents: dict[ast.AST, ast.AST] | None = field(default=None, repr=False)
    _loads: dict[str, list[ast.AST]] | None = field(default=None, repr=False)

    @property
    def loads(self) -> dict[str, list[ast.AST]]:
        """Name or dotted text -> the nodes that read it, in source order; built on first use."""
        if self._loads is None:
            self._loads = _load_map(self.tree)
        return self._loads

    @property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Each node's parent; built on first use, since most files never ask."""
        if self._parents is None:
            self._parents = _parent_map(self.tree)
        return self._parents

    def calls_named(self, *qualnames: str) -> list[CallSite]:
        """Calls whose callee resolves to one of these canonical names."""
        wanted = set(qualnames)
        return [call for call in self.calls if call.qualname in wanted]

    def values_of(self, name: str) -> list[ast.expr]:
        """Every value assigned to ``name`` (or a dotted target) in the file."""
        return [assignment.value for assignment in self.assignments.get(name, ())]

    def text(self, node: ast.AST) -> str:
        """The source text of a node (columns are UTF-8 byte offsets, as ast gives them)."""
        lines = self.cache.get("lines")
        if lines is None:
            lines = self.cache["lines"] = self.source.encode("utf-8").splitlines()
        try:
            first, last = node.lineno - 1, node.end_lineno - 1
            if first == last:
                return lines[first][node.col_offset : node.end_col_offset].decode("utf-8")
            parts = [
                lines[first][node.col_offset :],
                *lines[first + 1 : last],
                lines[last][: node.end_col_offset],
            ]
            return b"\n".join(parts).decode("utf-8")
        except (AttributeError, IndexError, TypeError, UnicodeDecodeError):
            return ast.unparse(node)

    @property
    def is_test_file(self) -> bool:
        """A test module: test_*.py, *_test.py, or a module of a tests/ folder that uses a test framework.

        Its test functions are not evaluation code.  A folder name alone is not enough: the project
        itself may live under some ``tests`` folder of the machine.
        """
        return is_test_module(self.path, self.source)


_TEST_FRAMEWORK = re.compile(r"^\s*(import|from)\s+(unittest|pytest)\b|tf\.test\.", re.M)
_TEST_FUNCTION = re.compile(r"^\s*(def\s+test|class\s+\w*Test)", re.M)


def is_test_module(path: str, source: str) -> bool:
    """``FileContext.is_test_file`` for a path and its text: named like a test module, or a module of
    a tests/ folder that uses a test framework."""
    parts = re.split(r"[\\/]", path)
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    in_tests = any(part in ("tests", "test") for part in parts[:-1])
    return in_tests and bool(_TEST_FRAMEWORK.search(source))


def is_script_named_as_test(path: str, source: str) -> bool:
    """``test_on_images.py`` that runs a session and holds no test function and no test framework: a
    script that restores a model and predicts, named like a test module."""
    name = re.split(r"[\\/]", path)[-1]
    return (
        (name.startswith("test_") or name.endswith("_test.py"))
        and ".run(" in source
        and not (_TEST_FRAMEWORK.search(source) or _TEST_FUNCTION.search(source))
    )


class _Collector:
    """Statements are visited recursively (they carry the scope); expressions with an explicit stack.

    Only functions, classes, ``with``, ``if``, assignments, imports and calls matter here (reads
    of names are collected later, for the few files whose rules ask), so most nodes are only
    pushed and popped.  Calls are recorded in source (pre-order) order.
    """

    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.functions: list[ast.AST] = []
        self.classes: list[ast.ClassDef] = []
        self.withs: list[ast.expr] = []
        self.ifs: list[tuple[ast.If, bool]] = []
        self.statement: ast.stmt | None = None

    def visit(self, node: ast.AST) -> None:
        """Visit a node that is not an expression (a module, statement, handler or case)."""
        handler = _STATEMENT_HANDLERS.get(type(node))
        if handler is None:
            self.visit_fields(node)
        else:
            handler(self, node)

    def visit_fields(self, node: ast.AST) -> None:
        for name in _fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for child in value:
                    self.visit_child(child)
            elif value is not None:
                self.visit_child(value)

    def visit_child(self, child: object) -> None:
        kind = type(child)
        if kind in _SKIP or not isinstance(child, ast.AST):
            return
        if isinstance(child, ast.stmt):
            previous, self.statement = self.statement, child
            if kind in _STATEMENT_HANDLERS or kind in _COMPOUND:
                self.visit(child)
            else:
                # a simple statement holds only expressions: one walk, no recursion
                self.walk_expression(child)
            self.statement = previous
        elif isinstance(child, _HOLDS_STATEMENTS):
            self.visit(child)
        else:
            self.walk_expression(child)

    def walk_expression(self, root: ast.AST) -> None:
        """Record the calls below ``root``, which holds no statements (lambdas aside)."""
        calls = self.context.calls
        attribute_names = self.context.attributes
        skip, all_fields = _EXPRESSION_SKIP, _FIELDS
        attribute_type, call_type, keyword_type = ast.Attribute, ast.Call, ast.keyword
        scope = None  # (functions, classes, withs, ifs), built at the first call
        stack = [root]
        pop, push = stack.pop, stack.append
        while stack:
            node = pop()
            kind = type(node)
            if kind is attribute_type:
                attribute_names.add(node.attr)
                if type(node.value) not in skip:
                    push(node.value)
            elif kind is keyword_type:
                if type(node.value) not in skip:
                    push(node.value)
            elif kind is call_type:
                if scope is None:
                    scope = (tuple(self.functions), tuple(self.classes), tuple(self.withs), tuple(self.ifs))
                calls.append(
                    CallSite(
                        node=node,
                        functions=scope[0],
                        classes=scope[1],
                        withs=scope[2],
                        ifs=scope[3],
                        statement=self.statement,
                    )
                )
                for child in reversed(node.keywords):
                    push(child)
                for child in reversed(node.args):
                    if type(child) not in skip:
                        push(child)
                if type(node.func) not in skip:
                    push(node.func)
            elif kind in skip:
                continue
            elif kind is ast.Lambda:
                self._function(node)
            else:
                fields = all_fields.get(kind) or _fields(kind)
                for name in reversed(fields):
                    value = getattr(node, name, None)
                    if type(value) is list:
                        for child in reversed(value):
                            if type(child) not in skip:
                                push(child)
                    elif type(value) not in skip:
                        push(value)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.context.imports.add_import(node)

    visit_ImportFrom = visit_Import

    def _function(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Lambda):
            self.context.functions.setdefault(node.name, []).append(node)
        self.context.enclosing[node] = self.functions[-1] if self.functions else None
        self.functions.append(node)
        saved_withs, saved_ifs = self.withs, self.ifs
        # a function body runs where it is called, not where it is defined
        self.withs, self.ifs = [], []
        self.visit_fields(node)
        self.withs, self.ifs = saved_withs, saved_ifs
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.context.classes.setdefault(node.name, node)
        self.classes.append(node)
        self.visit_fields(node)
        self.classes.pop()

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit_child(item.context_expr)
            if item.optional_vars is not None:
                self.visit_child(item.optional_vars)
                self._record_binding(item.optional_vars, item.context_expr, node, "enter")
        self.withs.extend(item.context_expr for item in node.items)
        for child in node.body:
            self.visit_child(child)
        del self.withs[len(self.withs) - len(node.items) :]

    visit_With = visit_AsyncWith = _with

    def visit_If(self, node: ast.If) -> None:
        self.visit_child(node.test)
        for in_else, body in ((False, node.body), (True, node.orelse)):
            self.ifs.append((node, in_else))
            for child in body:
                self.visit_child(child)
            self.ifs.pop()

    def _record_assignment(self, target: ast.AST, value: ast.expr, node: ast.stmt) -> None:
        text = dotted_text(target)
        if text is None:
            return
        function = self.functions[-1] if self.functions else None
        self.context.assignments.setdefault(text, []).append(Assignment(text, value, function, node))
        if isinstance(target, ast.Name):
            self.context.imports.add_alias_candidate(target.id, value)
            if (
                isinstance(value, ast.Call)
                and dotted_text(value.func) in ("partial", "functools.partial")
                and value.args
            ):
                self.context.imports.add_alias_candidate(target.id, value.args[0])

    def _record_binding(
        self, target: ast.AST, value: ast.expr, node: ast.stmt, how: str, index: int = 0
    ) -> None:
        function = self.functions[-1] if self.functions else None
        if isinstance(target, (ast.Tuple, ast.List)):
            if (
                how == "unpack"
                and isinstance(value, (ast.Tuple, ast.List))
                and len(value.elts) == len(target.elts)
            ):
                for element, part in zip(target.elts, value.elts):
                    if not isinstance(part, ast.Starred):
                        self._record_assignment_or_binding(element, part, node)
                return
            for position, element in enumerate(target.elts):
                self._record_binding(element, value, node, "unpack" if how == "unpack" else how, position)
            return
        if isinstance(target, ast.Starred):
            target = target.value
        text = dotted_text(target)
        if text is not None:
            self.context.bindings.setdefault(text, []).append(
                Binding(text, value, function, node, how, index)
            )

    def _record_assignment_or_binding(self, target: ast.AST, value: ast.expr, node: ast.stmt) -> None:
        if isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            self._record_binding(target, value, node, "unpack")
        else:
            self._record_assignment(target, value, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._record_binding(target, node.value, node, "unpack")
            elif isinstance(target, ast.Subscript):
                text = dotted_text(target.value)
                if text is not None:
                    function = self.functions[-1] if self.functions else None
                    self.context.stores.setdefault(text, []).append((node.value, function))
            else:
                self._record_assignment(target, node.value, node)
        self.walk_expression(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._record_binding(node.target, node.value, node, "augment")
        self.walk_expression(node)

    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self._record_binding(node.target, node.iter, node, "iterate")
        self.visit_fields(node)

    visit_For = visit_AsyncFor = _for

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._record_assignment(node.target, node.value, node)
        self.walk_expression(node)


# fields that never hold a node a rule asks about (names, operators, contexts, comments)
_SCALAR_FIELDS = frozenset(
    {"ctx", "op", "ops", "attr", "id", "arg", "name", "kind", "type_comment", "level", "module", "names"}
    | {"conversion", "is_async", "lineno", "col_offset", "end_lineno", "end_col_offset", "tag"}
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in _SCALAR_FIELDS)
    return fields


# nodes that are neither statements nor expressions but hold statements
_HOLDS_STATEMENTS = (ast.mod, ast.excepthandler, ast.match_case)
# statements that hold statements
_COMPOUND = frozenset(
    {ast.For, ast.AsyncFor, ast.While, ast.Try, ast.Match}
    | ({ast.TryStar} if hasattr(ast, "TryStar") else set())
)


# leaves with nothing below them that a rule asks about
_SKIP = frozenset(
    {ast.Load, ast.Store, ast.Del, ast.Constant, str, int, float, bytes, bool, type(None)}
    | {
        type(op)
        for op in (
            ast.Add(),
            ast.Sub(),
            ast.Mult(),
            ast.Div(),
            ast.Eq(),
            ast.NotEq(),
            ast.And(),
            ast.Or(),
            ast.USub(),
            ast.Not(),
            ast.Lt(),
            ast.Gt(),
            ast.LtE(),
            ast.GtE(),
            ast.In(),
            ast.NotIn(),
            ast.Is(),
            ast.IsNot(),
            ast.Mod(),
            ast.Pow(),
            ast.FloorDiv(),
            ast.BitAnd(),
            ast.BitOr(),
            ast.MatMult(),
            ast.UAdd(),
            ast.Invert(),
            ast.LShift(),
            ast.RShift(),
            ast.BitXor(),
        )
    }
)
# below an expression, a name holds nothing the walk records (reads are collected lazily)
_EXPRESSION_SKIP = _SKIP | {ast.Name}
_STATEMENT_HANDLERS = {
    getattr(ast, name[len("visit_") :]): function
    for name, function in vars(_Collector).items()
    if name.startswith("visit_") and hasattr(ast, name[len("visit_") :])
}


def _parent_map(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node's parent, for the nodes the collector walks (operators, contexts and constants aside)."""
    parents: dict[ast.AST, ast.AST] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Import or kind is ast.ImportFrom:
            continue
        # a constant `if` test or `with` item keeps its parent too, as the collector always recorded it
        if kind is ast.If:
            parents[node.test] = node
        elif kind is ast.withitem:
            parents[node.context_expr] = node
        for name in _fields(kind):
            value = getattr(node, name, None)
            for child in value if type(value) is list else (value,):
                if type(child) not in _SKIP and isinstance(child, ast.AST):
                    parents[child] = node
                    stack.append(child)
    return parents


def _load_map(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """Every read of a name or dotted name (``a``, ``a.b``, ``a.b.c``), in source (pre-order) order."""
    loads: dict[str, list[ast.AST]] = {}
    stack: list = [tree]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = type(node)
        if kind is ast.Name:
            if type(node.ctx) is ast.Load:
                loads.setdefault(node.id, []).append(node)
            continue
        if kind is ast.Attribute:
            # a whole chain at once: `a.b.c` is spelled once, not once per link
            chain = []
            base = node
            while type(base) is ast.Attribute:
                chain.append(base)
                base = base.value
            if type(base) is ast.Name:
                text = base.id
                texts = []
                for link in reversed(chain):
                    text = f"{text}.{link.attr}"
                    texts.append(text)
                for link, text in zip(chain, reversed(texts)):
                    if type(link.ctx) is ast.Load:
                        loads.setdefault(text, []).append(link)
            push(base)
            continue
        if kind is ast.Import or kind is ast.ImportFrom:
            continue
        for name in reversed(_FIELDS.get(kind) or _fields(kind)):
            value = getattr(node, name, None)
            if type(value) is list:
                for child in reversed(value):
                    if type(child) not in _SKIP:
                        push(child)
            elif type(value) not in _SKIP:
                push(value)
    return loads


def build_context(path: str, source: str, tree: ast.Module, options: dict | None = None) -> FileContext:
    """Walk ``tree`` once and resolve every call's callee through the file's imports."""
    context = FileContext(path=path, source=source, tree=tree, imports=ImportMap(), options=options or {})
    collector = _Collector(context)
    collector.visit(tree)
    attribute, name = ast.Attribute, ast.Name
    for call in context.calls:
        func = call.node.func
        kind = type(func)
        if kind is attribute:
            call.method = func.attr
            call.callee = dotted_text(func)
        elif kind is name:
            call.method = call.callee = func.id
    if context.imports.star_modules:
        used = {call.callee.partition(".")[0] for call in context.calls if call.callee}
        used |= context.imports.pending_alias_roots
        # names bound in the obvious places first: the walk for every binding is for what is left
        used -= {*context.functions, *context.classes, *context.assignments, *context.imports.names}
        if used - context.imports.origins.keys():
            context.imports.bind_star_names(used, bound_names(tree))
    context.imports.finish()
    raw = context.imports.raw_text
    for call in context.calls:
        if call.callee is not None:
            call.raw = raw(call.callee)
            if call.raw is not None:
                call.qualname = canonical(call.raw)
    return context
