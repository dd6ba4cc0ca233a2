"""Names in LaTeX: ``x_{1}``, ``\\theta``, ``\\mathrm{loss}`` (the printer's latex style, the labels of ``diff``)."""

from __future__ import annotations

import re

_GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi",
    "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi", "Π": "Pi", "Σ": "Sigma",
    "Υ": "Upsilon", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip
"""Greek letters, and the LaTeX commands for them (a name spelled ``theta`` gets ``\\theta`` too)."""
_GREEK_WORDS = frozenset(_GREEK_LETTERS.values())


def latex_name(name: str) -> str:
    """A name in LaTeX: ``x``, ``x_{1}``, ``\\theta``, ``\\mathrm{loss}``, ``w_{hidden}``."""
    base, sub = name, ""
    if "_" in name.strip("_"):
        base, sub = name.strip("_").split("_", 1)
    else:
        match = re.fullmatch(r"(.*?\D)(\d+)", name)
        if match:
            base, sub = match.groups()
    if base in _GREEK_LETTERS:
        base = "\\" + _GREEK_LETTERS[base]
    elif base in _GREEK_WORDS:
        base = "\\" + base
    elif len(base) > 1:
        base = r"\mathrm{" + base.replace("_", r"\_") + "}"
    elif base == "_":
        base = r"\_"
    if sub:
        return base + "_{" + sub.replace("_", r"\_") + "}"
    return base
