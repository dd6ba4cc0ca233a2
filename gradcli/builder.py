"""Syntax tree to computation graph, in each view of contract section 3.

The views are policies of one walk over the syntax tree:

- autograd (default): one leaf per variable; an assigned name is one node,
  shared by every use.
- tree: every occurrence of a name is its own leaf and an assigned name is
  inlined at each use, so the picture is a true tree.
- scalar granularity: a fused operation with a decomposition in the op table
  (``sigmoid`` as ``1 / (1 + exp(-a))``) becomes that subgraph of primitive
  operations, each node remembering the operation it came from.

The walk keeps its own stack; no Python recursion on the depth of the input.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from functools import cache

from .diagnostics import Diagnostic
from .errors import ProgramError, UsageError
from .graph import Graph
from .ops import CONST, CONSTANTS, FUNCTIONS, VAR, Op
from .syntax import Apply, Assign, Expr, Name, Num, Program, names_in

GRANULARITIES = ("fused", "scalar")
TREE_LIMIT = 2_000_000
"""The most nodes a tree view may have: inlining can multiply a program's size."""


@cache
def decomposition(op: Op) -> list:
    """The statements of an op's decomposition, parsed once (parameters ``a``, ``b``)."""
    from .parser import parse

    assert op.decomposition is not None
    return parse(op.decomposition).statements


_DONE = object()  # work-stack markers of Builder._expr
_NAMED = object()


class _Frame:
    """Where names resolve, and what nodes record, while one statement list is walked.

    The program itself is one frame; each decomposition a scalar view expands
    is another, whose parameters are bound to the nodes of its arguments and
    whose nodes all point back at the call they came from.
    """

    __slots__ = ("assignments", "bound", "origin", "span")

    def __init__(self, bound: dict[str, int], origin: str | None = None, span: tuple[int, int] | None = None) -> None:
        self.bound = bound  # name -> node (parameters, and assigned names in the autograd view)
        self.assignments: dict[str, Assign] = {}  # assigned names seen so far (the tree view inlines them)
        self.origin = origin
        self.span = span


class Builder:
    """Builds the graph of one program in one view."""

    def __init__(self, program: Program, *, tree: bool = False, granularity: str = "fused") -> None:
        if granularity not in GRANULARITIES:
            raise ProgramError(f"unknown granularity '{granularity}'", hint="use fused or scalar")
        self.program = program
        self.tree = tree
        self.scalar = granularity == "scalar"
        self.graph = Graph(program.source, tree=tree, granularity=granularity)
        self.leaves: dict[str, int] = {}  # the autograd view's one leaf per variable
        self.used: set[str] = set()

    # ---- statements -----------------------------------------------------------

    def build(self) -> Graph:
        graph = self.graph
        statements = self.program.statements
        self._check_assignments(statements)
        frame = _Frame({})
        # The tree view inlines an assignment at each use, so a name used before its
        # assignment (or by itself: h = h) would be inlined forever: check the order first.
        # The other views find such a use as they build.
        first_use = self._check_order(statements) if self.tree else None
        collecting = gc.isenabled()
        gc.disable()  # millions of small objects, no cycles: see parser.parse
        try:
            roots = self._statements(statements, frame, set(first_use) if first_use is not None else None)
        finally:
            if collecting:
                gc.enable()
        if first_use is not None:
            # Inlining meets the variables in another order than the program text does;
            # the gradient lists them in order of first use in the text, as every view does.
            variables = graph.variables
            graph.variables = {name: variables[name] for name in first_use if name in variables}
        graph.output = roots[-1]
        self._warn_unused(statements, roots)
        return graph

    def _check_order(self, statements: list) -> list[str]:
        """Every name used in the program, in order of first use; raises at a use before its assignment."""
        assigned = self.graph.assigned
        done: set[str] = set()
        first_use: dict[str, None] = {}
        for statement in statements:
            for name in names_in([statement]):
                if name.id in assigned and name.id not in done:
                    raise self._before_assignment(name)
                first_use.setdefault(name.id)
            if type(statement) is Assign:
                done.add(statement.name)
        return list(first_use)

    def _before_assignment(self, name: Name) -> ProgramError:
        where = self.program.source.where(self.graph.assigned[name.id][0])
        return ProgramError(
            f"'{name.id}' is used before it is assigned (at {where})",
            span=(name.start, name.end),
            hint="assign a name before the statements that use it",
        )

    def _statements(self, statements: list, frame: _Frame, used: set[str] | None = None) -> list[int | None]:
        """Add each statement's nodes; returns each statement's root (None where inlined).

        In the tree view an assignment that is used is not a node of its own:
        it is copied at each use. ``used`` holds the names used in the program
        (None for a decomposition, whose assignments are all used).
        """
        roots: list[int | None] = []
        last = len(statements) - 1
        for index, statement in enumerate(statements):
            if type(statement) is not Assign:
                roots.append(self._expr(statement, frame))
                continue
            if self.tree and index < last and (used is None or statement.name in used):
                frame.assignments[statement.name] = statement
                roots.append(None)
                continue
            node = self._expr(statement.expr, frame)
            if frame.origin is None:
                if self.graph.inputs[node]:
                    self.graph.names[node] = self.graph.names[node] or statement.name
                self._bind(statement.name, node, statement.expr)
            frame.bound[statement.name] = node
            frame.assignments[statement.name] = statement
            roots.append(node)
        return roots

    def _bind(self, name: str, node: int, expr: Expr) -> None:
        """Record the node an assigned name stands for (each copy, in the tree view).

        ``z = x`` or ``b = a`` only renames a node that is also used under its
        own name, so the new name has no node of its own: it is bound to none.
        """
        nodes = self.graph.bindings.setdefault(name, [])
        if type(expr) is Apply:
            nodes.append(node)

    def _check_assignments(self, statements: list) -> None:
        assigned = self.graph.assigned
        for statement in statements:
            if type(statement) is not Assign:
                continue
            name, span = statement.name, (statement.start, statement.start + len(statement.name))
            if name in CONSTANTS:
                raise ProgramError(
                    f"'{name}' is a constant and cannot be assigned", span=span, hint="pick another name"
                )
            if name in FUNCTIONS:
                raise ProgramError(
                    f"'{name}' is a function and cannot be assigned", span=span, hint="pick another name"
                )
            if name in assigned:
                where = self.program.source.where(assigned[name][0])
                raise ProgramError(
                    f"'{name}' is assigned twice (first at {where})",
                    span=span,
                    hint="a name may be assigned only once; pick a new name",
                )
            assigned[name] = (statement.start, statement.end)

    def _warn_unused(self, statements: list, roots: list[int | None]) -> None:
        source = self.program.source
        for statement, node in zip(statements[:-1], roots[:-1]):
            if type(statement) is Assign:
                if statement.name in self.used:
                    continue
                message = f"'{statement.name}' is assigned but never used"
            else:
                message = f"the value of the statement at {source.where(statement.start)} is not used"
                message += " (only the last statement is the output)"
            self.graph.warnings.append(Diagnostic("warning", "unused", message, node, (statement.start, statement.end)))

    # ---- expressions ------------------------------------------------------------

    def _expr(self, expr: Expr, frame: _Frame) -> int:
        """Add the nodes of one expression; returns the id of its root."""
        graph = self.graph
        add = graph.add
        origin = frame.origin
        fixed_span = frame.span
        scalar = self.scalar
        # Names already resolved to a variable's one leaf (not in the tree view, where
        # each use is a leaf, nor in a decomposition, whose names are its parameters).
        leaves = self.leaves if origin is None and not self.tree else {}
        results: list[int] = []
        result = results.append
        # Work items: an expression to enter; _DONE then an Apply whose operands
        # are on ``results``; _NAMED then a name, to label an inlined copy.
        work: list = [expr]
        pop, push = work.pop, work.append
        while work:
            item = pop()
            kind = type(item)
            if kind is Name:
                node = leaves.get(item.id)
                if node is None:
                    node = self._name(item, frame)
                    if node is None:  # the tree view inlines the assigned expression here
                        push(item.id)
                        push(_NAMED)
                        push(frame.assignments[item.id].expr)
                        if len(graph.ops) > TREE_LIMIT:
                            raise ProgramError(
                                f"the tree view of this program has more than {TREE_LIMIT:,} nodes",
                                hint="assignments are copied at each use in the tree view; use the default view",
                            )
                        continue
                result(node)
            elif item is _DONE:
                apply = pop()
                count = len(apply.args)
                if count == 2:
                    b = results.pop()
                    inputs: tuple[int, ...] = (results.pop(), b)
                else:
                    inputs = tuple(results[-count:])
                    del results[-count:]
                start, end = fixed_span or (apply.start, apply.end)
                if scalar and apply.op.decomposition is not None:
                    result(self._decompose(apply.op, inputs, (start, end), origin or apply.op.name))
                else:
                    result(add(apply.op, inputs, start, end, apply.written, None, origin))
            elif kind is Apply:
                push(item)
                push(_DONE)
                args = item.args
                if len(args) == 2:
                    push(args[1])
                    push(args[0])
                else:
                    work.extend(reversed(args))
            elif kind is Num:
                start, end = fixed_span or (item.start, item.end)
                result(add(CONST, (), start, end, item.text, item.value, origin))
            else:  # _NAMED: an inlined assignment's copy is done: name its root
                name = pop()
                if origin is None:
                    if graph.inputs[results[-1]]:
                        graph.names[results[-1]] = graph.names[results[-1]] or name
                    self._bind(name, results[-1], frame.assignments[name].expr)
        return results[-1]

    def _name(self, name: Name, frame: _Frame) -> int | None:
        """The node a name stands for, or None where the tree view inlines an assignment."""
        ident = name.id
        if ident in frame.assignments:
            if frame.origin is None:
                self.used.add(ident)
            return None if self.tree else frame.bound[ident]
        if ident in frame.bound:  # a decomposition's parameter
            return frame.bound[ident]
        if frame.origin is not None:
            raise AssertionError(f"the decomposition of {frame.origin} uses the unbound name {ident}")
        if ident in self.graph.assigned:
            raise self._before_assignment(name)
        if not self.tree and ident in self.leaves:
            return self.leaves[ident]
        start, end = frame.span or (name.start, name.end)
        node = self.graph.add(VAR, (), start, end, ident)
        self.leaves[ident] = node
        self.graph.variables.setdefault(ident, []).append(node)
        return node

    def _decompose(self, op: Op, inputs: tuple[int, ...], span: tuple[int, int], origin: str) -> int:
        frame = _Frame(dict(zip(op.params, inputs)), origin, span)
        return self._statements(decomposition(op), frame)[-1]


TENSOR_COMMANDS = "eval, graph, trace, check, diff and network take vectors and matrices"


def has_tensors(program: Program, values: Mapping[str, object] | None = None) -> bool:
    """Whether a program has vectors or matrices: written in it, or given as a value (cheap: no import)."""
    return program.tensor or any(type(v) not in (float, int) and _is_array(v) for v in (values or {}).values())


def _is_array(value: object) -> bool:
    """A vector or matrix value: a ``Tensor``, nested lists, or an array with dimensions (NumPy's)."""
    return isinstance(value, (list, tuple)) or type(value).__name__ == "Tensor" or bool(getattr(value, "ndim", 0))


def tensor_refused(program: Program, what: str = "this command", works: str = "works") -> UsageError:
    """The error for a program with vectors or matrices where only scalars are taken."""
    return UsageError(
        f"{what} {works} on programs of numbers, and this one has vectors or matrices",
        hint=TENSOR_COMMANDS,
    )


def build(program: Program, *, tree: bool = False, granularity: str | None = "fused") -> Graph:
    """The computation graph of a parsed program in the given view.

    A scalar program is the same graph at tensor granularity as at fused
    (contract, section 5); a program with vectors or matrices is built by
    ``gradcli.tensor``, and a command that takes scalars only refuses it here.
    """
    if granularity in (None, "tensor"):
        granularity = "fused"
    if program.tensor:
        raise tensor_refused(program)
    try:
        return Builder(program, tree=tree, granularity=granularity).build()
    except ProgramError as error:
        # The builder knows where in the program an error is, not which program: the
        # source lets the message show the line with a caret under it.
        if error.source is None:
            error.source = program.source
        raise
