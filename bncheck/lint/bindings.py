"""Which module a name surely refers to at a point of a file, by Python's scoping rules.

``--fix`` writes ``tf.control_dependencies(...)`` or ``tf.global_variables()`` only where ``tf`` is
certain to be bound to TensorFlow: the scope that Python resolves the name in (function, enclosing
functions, module; a class body only for code directly in it) binds it by imports of one module and
nothing else, one of them runs unconditionally (a statement of that scope's own body, or a
``try: import ... except ImportError: import ...`` there whose every branch imports it) and comes
before the point, and no later star import can rebind it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.Module, ast.ClassDef, *_FUNCTIONS, *_COMPREHENSIONS)


@dataclass(frozen=True)
class Binding:
    """One place that binds a name: an import of ``module`` (``""`` for any other kind of binding)."""

    module: str
    line: int
    unconditional: bool  # a statement of its scope's own body, so it runs whenever the scope does


class Bindings:
    """The bindings of every scope of one module, built in one pass over the tree."""

    def __init__(self, tree: ast.Module, parents: dict[ast.AST, ast.AST]) -> None:
        self.tree = tree
        self.parents = parents
        self.names: dict[ast.AST, dict[str, list[Binding]]] = {}
        self.declared: dict[ast.AST, dict[str, str]] = {}  # scope -> name -> "global" | "nonlocal"
        self.star_lines: dict[ast.AST, list[int]] = {}
        self.used: set[str] = set()  # every identifier the file binds or reads, in any scope
        self._scope: dict[ast.AST, ast.AST] = {}
        self._assign_scopes()
        for node, scope in self._scope.items():
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                kind = "global" if isinstance(node, ast.Global) else "nonlocal"
                for name in node.names:
                    self.declared.setdefault(scope, {})[name] = kind
                    self.used.add(name)
        for node, scope in self._scope.items():
            self._record(node, scope)

    def _assign_scopes(self) -> None:
        """Each node -> the scope its names live in (defaults, decorators, bases: the enclosing one)."""
        stack: list[tuple[ast.AST, ast.AST]] = [(self.tree, self.tree)]
        override: dict[int, ast.AST] = {}
        while stack:
            node, scope = stack.pop()
            self._scope[node] = scope
            inner = node if isinstance(node, _SCOPES) else scope
            outer_children: list[ast.AST] = []
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                outer_children = [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]
                outer_children += [a.annotation for a in _all_args(node.args) if a.annotation]
                if node.returns is not None:
                    outer_children.append(node.returns)
            elif isinstance(node, ast.Lambda):
                outer_children = [*node.args.defaults, *node.args.kw_defaults]
            elif isinstance(node, ast.ClassDef):
                outer_children = [*node.decorator_list, *node.bases, *node.keywords]
            elif isinstance(node, _COMPREHENSIONS):
                outer_children = [node.generators[0].iter]
            # defaults and annotations sit below the ``arguments`` node: remembered until reached
            for child in outer_children:
                if child is not None:
                    override[id(child)] = scope
            for child in ast.iter_child_nodes(node):
                stack.append((child, override.pop(id(child), inner)))

    def _bind(self, scope: ast.AST, name: str, module: str, line: int, unconditional: bool) -> None:
        self.used.add(name)
        if self.declared.get(scope, {}).get(name) == "global":
            scope, unconditional = self.tree, False
        self.names.setdefault(scope, {}).setdefault(name, []).append(Binding(module, line, unconditional))

    def _top(self, statement: ast.AST, scope: ast.AST) -> bool:
        return self.parents.get(statement) is scope and statement in getattr(scope, "body", ())

    def _guarded(self, statement: ast.AST, scope: ast.AST, local: str) -> bool:
        """``statement`` is in a top-level ``try`` whose body and each handler import ``local`` (or raise)."""
        handler = self.parents.get(statement)
        guard = self.parents.get(handler) if isinstance(handler, ast.ExceptHandler) else handler
        if not isinstance(guard, ast.Try) or not self._top(guard, scope) or guard.finalbody:
            return False

        def imports(body: list[ast.stmt]) -> bool:
            return any(
                isinstance(item, (ast.Import, ast.ImportFrom))
                and any((a.asname or a.name.split(".", 1)[0]) == local for a in item.names)
                for item in body
            )

        return imports(guard.body) and all(
            imports(branch.body) or isinstance(branch.body[-1], ast.Raise) for branch in guard.handlers
        )

    def _record(self, node: ast.AST, scope: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.used.add(node.id)
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                target_scope = scope
                if isinstance(self.parents.get(node), ast.NamedExpr):
                    while isinstance(target_scope, _COMPREHENSIONS):
                        target_scope = self._scope[target_scope]
                self._bind(target_scope, node.id, "", node.lineno, False)
        elif isinstance(node, ast.arg):
            self._bind(scope, node.arg, "", getattr(node, "lineno", 0), False)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    self.star_lines.setdefault(scope, []).append(node.lineno)
                    continue
                if isinstance(node, ast.Import):
                    local = alias.asname or alias.name.split(".", 1)[0]
                    module = alias.name if alias.asname else local
                elif node.level == 0 and node.module:
                    local, module = alias.asname or alias.name, f"{node.module}.{alias.name}"
                else:
                    local, module = alias.asname or alias.name, ""
                top = self._top(node, scope) or self._guarded(node, scope, local)
                self._bind(scope, local, module, node.lineno, top)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self._bind(scope, node.name, "", node.lineno, False)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._bind(scope, node.name, "", node.lineno, False)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._bind(scope, node.name, "", node.lineno, False)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._bind(scope, node.rest, "", node.lineno, False)

    def scope_chain(self, node: ast.AST) -> list[ast.AST]:
        """The scopes ``node``'s names are looked up in, innermost first (class bodies only innermost)."""
        chain = []
        scope = self._scope.get(node, self.tree)
        while True:
            if not isinstance(scope, ast.ClassDef) or not chain:
                chain.append(scope)
            if scope is self.tree:
                return chain
            scope = self._scope[scope]

    def modules_at(self, name: str, node: ast.AST, line: int) -> frozenset[str] | None:
        """The modules ``name`` is surely bound to one of where ``node`` (on ``line``) runs, or None."""
        resolved = None
        for scope in self.scope_chain(node):
            declaration = self.declared.get(scope, {}).get(name)
            if declaration == "global":
                resolved = self.tree
                break
            if declaration == "nonlocal":
                continue
            if name in self.names.get(scope, {}):
                resolved = scope
                break
        if resolved is None:
            return None
        bindings = self.names[resolved][name]
        modules = frozenset(binding.module for binding in bindings)
        if "" in modules:
            return None  # also bound some other way (an assignment, a parameter, a relative import)
        first = min((b.line for b in bindings if b.unconditional and b.line < line), default=None)
        if first is None:
            return None
        if any(star > first for star in self.star_lines.get(resolved, ())):
            return None
        return modules


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    args = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    args += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return args
