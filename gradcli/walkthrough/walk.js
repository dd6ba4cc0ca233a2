// gradcli walkthrough: steps through the trace on the picture. Plain script, no library, nothing fetched.
// The page reads whole without it; the script hides the numbers of later steps and lights the current one.
(function () {
  "use strict";
  var root = document.documentElement;
  root.className = "js";
  var data = JSON.parse(document.getElementById("walk-data").textContent);
  var steps = data.steps;
  var total = steps.length;
  // Each number line of the picture, filed under the step that computes it (0: known from the start).
  var numbers = [];
  var byStep = [];
  for (var k = 0; k <= total; k++) byStep.push([]);
  function file(node, kind, from) {
    var text = node && node.querySelector("text.gc-" + kind);
    if (!text) return;
    numbers.push({ text: text, from: from });
    if (from !== null) byStep[from].push(text);
  }
  data.value.forEach(function (from, n) {
    var node = document.getElementById("n" + n);
    file(node, "value", from);
    file(node, "grad", data.grad[n]);
  });
  var items = [null];
  for (k = 1; k <= total; k++) items.push(document.getElementById("s" + k));
  var figure = document.getElementById("graph");
  var list = document.getElementById("steps");
  var status = document.getElementById("status");
  var phase = document.querySelector("#now .phase");
  var now = document.querySelector("#now .step");
  var buttons = {
    first: document.getElementById("first"),
    back: document.getElementById("back"),
    next: document.getElementById("next"),
    last: document.getElementById("last")
  };
  var lit = [];
  var current = 0;

  function setNumbers(k) {
    if (!current) {
      numbers.forEach(function (line) { line.text.classList.toggle("off", line.from === null || line.from > k); });
    } else {
      // Only the numbers of the steps between the old and the new one change.
      for (var s = Math.min(current, k) + 1; s <= Math.max(current, k); s++) {
        byStep[s].forEach(function (text) { text.classList.toggle("off", s > k); });
      }
      byStep[current].forEach(function (text) { text.classList.remove("new"); });
    }
    byStep[k].forEach(function (text) { text.classList.add("new"); });
  }

  // Scroll a pane (never the window) so that an element in it is in view. Given anchors (the
  // start of the trace, the heading of the step's pass), the first that can be at the top of the
  // pane with the element still in view goes there: the pane then starts at a heading, rather
  // than at a line cut in half, and shows the steps that led to this one.
  function reveal(pane, element, anchors) {
    var p = pane.getBoundingClientRect();
    var e = element.getBoundingClientRect();
    function top(a) { return a.getBoundingClientRect().top - parseFloat(getComputedStyle(a).marginTop); }
    var anchor = (anchors || []).filter(function (a) { return a && e.bottom - top(a) + 8 <= pane.clientHeight; })[0];
    if (anchor) pane.scrollTop += top(anchor) - p.top;
    else if (e.top < p.top) pane.scrollTop += e.top - p.top - 8;
    else if (e.bottom > p.bottom) pane.scrollTop += e.bottom - p.bottom + 8;
    if (e.left < p.left) pane.scrollLeft += e.left - p.left - 8;
    else if (e.right > p.right) pane.scrollLeft += e.right - p.right + 8;
  }

  function show(k) {
    k = Math.max(1, Math.min(total, k));
    var step = steps[k - 1];
    setNumbers(k);
    lit.forEach(function (element) { element.classList.remove("cur"); });
    lit = [];
    step.lit.forEach(function (n) { lit.push(document.getElementById("n" + n)); });
    step.edges.forEach(function (id) { lit.push(document.getElementById(id)); });
    if (current) items[current].removeAttribute("aria-current");
    lit.push(items[k]);
    lit.forEach(function (element) { element.classList.add("cur"); });
    items[k].setAttribute("aria-current", "step");
    document.body.setAttribute("data-phase", step.phase);
    phase.textContent = data.phases[step.phase];
    now.replaceChildren.apply(now, Array.prototype.map.call(items[k].childNodes, function (child) {
      return child.cloneNode(true);
    }));
    status.textContent = "Step " + k + " of " + total;
    buttons.first.disabled = buttons.back.disabled = k === 1;
    buttons.next.disabled = buttons.last.disabled = k === total;
    reveal(list, items[k], [list.firstElementChild, items[k].parentElement.previousElementSibling]);
    reveal(figure, lit[0]);
    current = k;
    if (location.hash !== "#step=" + k) history.replaceState(null, "", "#step=" + k);
  }

  function fromHash() {
    var found = /^#step=(\d+)$/.exec(location.hash);
    return found ? Number(found[1]) : 1;
  }

  buttons.first.addEventListener("click", function () { show(1); });
  buttons.back.addEventListener("click", function () { show(current - 1); });
  buttons.next.addEventListener("click", function () { show(current + 1); });
  buttons.last.addEventListener("click", function () { show(total); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var to = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 1, End: total }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    show(to);
  });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();
