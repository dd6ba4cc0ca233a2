"""Symbolic derivatives: the nodes of a graph as formulas a person would write.

The derivative of a program is itself a graph (``gradcli.backward``); this
package turns a set of its nodes into formulas:

- ``expressions``: a hash-consed table of expressions (numbers, symbols,
  sums, products, calls), so that equal subexpressions are one entry;
- ``algebra``: the simplifier, as constructors that fold numbers exactly,
  drop 0 and 1, and collect like terms and like powers, never expanding;
- ``convert``: graph nodes to expressions, assigned names kept as names;
- ``naming``: which shared subexpressions get a name so output stays linear;
- ``printer``: the formulas in the language (re-parseable), in Unicode, in LaTeX;
- ``numerals`` and ``latexnames``: exact numbers and names as the printer spells them;
- ``derivatives`` and ``steps``: what ``gradcli diff`` computes and shows.

Nothing here recurses over the depth of an expression: every walk keeps its
own stack, and every table is filled children first.
"""
