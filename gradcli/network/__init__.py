"""``gradcli network``: a program drawn as seed 000's network diagram (contract, section 6).

Not a computation graph: neurons and inputs are circles, each weight is an
arc, the bias and the activation sit inside the neuron, layer by layer.

- ``tensor_layers`` reads layers ``act(W @ h + b)`` on a tensor program's view,
  ``scalar_neurons`` neurons ``act(w1*x1 + … + b)`` on a scalar program's graph;
  a program that is neither is refused (``refusal``);
- ``model`` is the diagram as data, ``values`` fills in its numbers, ``read``
  ties these together;
- ``look`` says what each circle and arc shows; ``dot``, ``mermaid`` and
  ``netjson`` write it; ``export`` turns it into the bytes of a format.
"""

from __future__ import annotations

from .export import export_network
from .model import MAX_NEURONS, Network
from .read import Reading, read_network

__all__ = ["MAX_NEURONS", "Network", "Reading", "export_network", "read_network"]
