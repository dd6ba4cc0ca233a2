"""The walkthrough: a trace stepped through on the graph picture (contract, section 7).

``gradcli trace EXPR vars -o walk.html`` writes one self-contained page and
``-o walk.gif`` an animated GIF; both show the same steps. ``model`` turns a
trace into the walk's states (what each step lights and which numbers show),
``picture`` gives the Graphviz drawing its ids and per-step looks, ``page``
writes the HTML and ``gif`` the frames. The modules are imported on first
use, so that ``trace`` without ``-o`` does not pay for them.
"""

from __future__ import annotations

FORMATS = {".html": "html", ".htm": "html", ".gif": "gif"}
"""The file extensions ``trace -o`` writes, and the format each stands for."""
