"""Which subexpressions get a name, so that the formulas stay linear in the program's size.

Symbolic derivatives swell (seed 004): the derivative of a deep program
repeats the program's subexpressions and the adjoints above them, and written
out in full the formulas grow with the square of the depth, or faster. The
program's assigned names already stop this where the program has them. When
the formulas would still be more than ``budget`` nodes in all, every
subexpression that is used at least twice and has ``NAME_AT`` nodes or more
gets a name too, ``v12`` after the node it was made for (the node ids of
``gradcli trace`` and ``graph --backward``), and is defined once on a
``where`` line. Each remaining subexpression is then written once, or is
smaller than ``NAME_AT``: the output is linear in the size of the graph.

Sizes count the nodes of the formula as printed (a name counts 1); walks keep
their own stack, and sizes are filled children first (ids are topological).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .expressions import NUM, SYM, Expressions

NAME_AT = 8
"""The smallest shared subexpression that gets a name once names are needed."""


def budget(program_nodes: int) -> int:
    """How many nodes the formulas may have in all before shared subexpressions get names."""
    return 400 + 4 * program_nodes


def reachable(ex: Expressions, roots: Iterable[int]) -> tuple[list[int], dict[int, int]]:
    """The expressions the roots are made of, children first, and how often each is used."""
    uses: dict[int, int] = {}
    seen: set[int] = set()
    work = []
    for root in roots:
        uses[root] = uses.get(root, 0) + 1
        work.append(root)
    while work:
        e = work.pop()
        if e in seen:
            continue
        seen.add(e)
        for child in ex.children(e):
            uses[child] = uses.get(child, 0) + 1
            if child not in seen:
                work.append(child)
    return sorted(seen), uses


def sizes(ex: Expressions, order: list[int], named: Iterable[int] = ()) -> dict[int, int]:
    """The printed size of each expression in ``order`` (children first); a named one counts 1 where used."""
    named = set(named)
    size: dict[int, int] = {}
    for e in order:
        total = 1
        for child in ex.children(e):
            total += 1 if child in named else size[child]
        size[e] = total
    return size


def printed_size(ex: Expressions, roots: list[int], named: Iterable[int] = ()) -> int:
    """Nodes printed in all: each root written out, and each named expression once, on its where line."""
    named = list(named)
    order, _ = reachable(ex, [*roots, *named])
    size = sizes(ex, order, named)
    return sum(size[r] for r in roots) + sum(size[n] for n in named if n not in roots)


def choose(ex: Expressions, roots: list[int], limit: int) -> list[int]:
    """The shared subexpressions to name (children first), or none if the formulas fit in ``limit``."""
    order, uses = reachable(ex, roots)
    size = sizes(ex, order)
    if sum(size[r] for r in roots) <= limit:
        return []
    rooted = set(roots)
    named: list[int] = []
    chosen: set[int] = set()
    kinds = ex.kinds
    for e in order:
        total = 1
        for child in ex.children(e):
            total += 1 if child in chosen else size[child]
        size[e] = total
        if uses[e] >= 2 and total >= NAME_AT and kinds[e] not in (NUM, SYM) and e not in rooted:
            named.append(e)
            chosen.add(e)
    return named


def prefix(taken: Iterable[str]) -> str:
    """``v`` as in ``v12``, unless the program has names of that form; then another letter."""
    taken = list(taken)
    for p in ("v", "n", "t", "u", "g", "s"):
        if not any(re.fullmatch(p + r"\d+(_\d+)?", name) for name in taken):
            return p
    return "v_"


def names_for(expressions: list[int], origins: dict[int, int], taken: Iterable[str]) -> dict[int, str]:
    """A name for each expression: the prefix and the node it was made for (``v12``, then ``v12_2``)."""
    p = prefix(taken)
    used: set[str] = set(taken)
    names = {}
    for e in expressions:
        base = f"{p}{origins.get(e, e)}"
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base}_{k}"
        used.add(name)
        names[e] = name
    return names
