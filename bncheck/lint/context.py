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

from bncheck.lint.aliases import ImportMap, dotted_text

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


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

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def column(self) -> int:
        return self.node.col_offset + 1

    @property
    def method(self) -> str | None:
        """``minimize`` for ``opt.minimize(...)``; the name for a plain ``f(...)``."""
        func = self.node.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
        return None

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
class FileContext:
    """Everything the rules know about one file."""

    path: str
    source: str
    tree: ast.Module
    imports: ImportMap
    calls: list[CallSite] = field(default_factory=list)
    assignments: dict[str, list[Assignment]] = field(default_factory=dict)
    loads: dict[str, list[ast.AST]] = field(default_factory=dict)  # name or dotted text -> load nodes
    functions: dict[str, list[ast.AST]] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # config values the rules read (target_version, ...)
    cache: dict = field(default_factory=dict)  # facts shared between rules, computed once per file

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
        """A test module (test_*.py, *_test.py, under tests/): its test functions are not evaluation code."""
        name = re.split(r"[\\/]", self.path)[-1]
        return (
            name.startswith("test_") or name.endswith("_test.py") or "/tests/" in self.path.replace("\\", "/")
        )


class _Collector(ast.NodeVisitor):
    def __init__(self, context: FileContext) -> None:
        self.context = context
        self.functions: list[ast.AST] = []
        self.classes: list[ast.ClassDef] = []
        self.withs: list[ast.expr] = []
        self.ifs: list[tuple[ast.If, bool]] = []
        self.statement: ast.stmt | None = None
        self.parents = context.parents

    def visit(self, node: ast.AST) -> None:
        # one dict lookup per node instead of NodeVisitor's getattr on a built name
        handler = _HANDLERS.get(type(node))
        if handler is None:
            self.generic_visit(node)
        else:
            handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        parents = self.parents
        for name in node._fields:
            value = getattr(node, name, None)
            if value is None or type(value) in _SKIP:
                continue
            if type(value) is list:
                for child in value:
                    if isinstance(child, ast.AST) and type(child) not in _SKIP:
                        parents[child] = node
                        if isinstance(child, ast.stmt):
                            previous, self.statement = self.statement, child
                            self.visit(child)
                            self.statement = previous
                        else:
                            self.visit(child)
            elif isinstance(value, ast.AST):
                parents[value] = node
                self.visit(value)

    def visit_Import(self, node: ast.Import) -> None:
        self.context.imports.add_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.context.imports.add_import(node)

    def _function(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Lambda):
            self.context.functions.setdefault(node.name, []).append(node)
        self.functions.append(node)
        saved_withs, saved_ifs = self.withs, self.ifs
        # a function body runs where it is called, not where it is defined
        self.withs, self.ifs = [], []
        self.generic_visit(node)
        self.withs, self.ifs = saved_withs, saved_ifs
        self.functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.context.classes.setdefault(node.name, node)
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.parents[item] = node
            self.parents[item.context_expr] = item
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.parents[item.optional_vars] = item
                self.visit(item.optional_vars)
        self.withs.extend(item.context_expr for item in node.items)
        for child in node.body:
            self.parents[child] = node
            previous, self.statement = self.statement, child
            self.visit(child)
            self.statement = previous
        del self.withs[len(self.withs) - len(node.items) :]

    visit_With = visit_AsyncWith = _with

    def visit_If(self, node: ast.If) -> None:
        self.parents[node.test] = node
        self.visit(node.test)
        for in_else, body in ((False, node.body), (True, node.orelse)):
            self.ifs.append((node, in_else))
            for child in body:
                self.parents[child] = node
                previous, self.statement = self.statement, child
                self.visit(child)
                self.statement = previous
            self.ifs.pop()

    def visit_Call(self, node: ast.Call) -> None:
        self.context.calls.append(
            CallSite(
                node=node,
                functions=tuple(self.functions),
                classes=tuple(self.classes),
                withs=tuple(self.withs),
                ifs=tuple(self.ifs),
                statement=self.statement,
            )
        )
        self.generic_visit(node)

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

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._record_assignment(target, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._record_assignment(node.target, node.value, node)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.context.loads.setdefault(node.id, []).append(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.ctx, ast.Load):
            text = dotted_text(node)
            if text is not None:
                self.context.loads.setdefault(text, []).append(node)
        self.generic_visit(node)


# leaves with nothing below them that a rule asks about
_SKIP = frozenset(
    {ast.Load, ast.Store, ast.Del, ast.Constant, str, int, float, bytes, bool}
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
_HANDLERS = {
    getattr(ast, name[len("visit_") :]): function
    for name, function in vars(_Collector).items()
    if name.startswith("visit_") and hasattr(ast, name[len("visit_") :])
}


def build_context(path: str, source: str, tree: ast.Module, options: dict | None = None) -> FileContext:
    """Walk ``tree`` once and resolve every call's callee through the file's imports."""
    context = FileContext(path=path, source=source, tree=tree, imports=ImportMap(), options=options or {})
    collector = _Collector(context)
    collector.visit(tree)
    context.imports.finish()
    for call in context.calls:
        call.raw = context.imports.raw(call.node.func)
        if call.raw is not None:
            from bncheck.lint.aliases import canonical

            call.qualname = canonical(call.raw)
    return context
