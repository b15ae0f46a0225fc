/* narrascope report: layer toggles, mark highlighting and the inspector. No network, no eval.
   Event delegation on the document, so fragments inserted later (the web app) work too. */
(function () {
  "use strict";
  var inspector = null;
  var pinned = null;  // the mark the inspector is pinned to

  function article(el) { return el.closest(".ns-article"); }

  function hidden(mark) {
    var a = article(mark);
    var kind = (mark.className.match(/\bk-([a-z_]+)/) || [])[1];
    return a && kind && a.classList.contains("ns-hide-" + kind);
  }

  function marksAt(el) {
    var out = [];
    for (var node = el; node && !node.classList.contains("ns-para"); node = node.parentElement) {
      if (node.classList.contains("sp") && !hidden(node)) out.push(node);
    }
    return out.reverse();
  }

  function getInspector() {
    if (!inspector) {
      inspector = document.createElement("div");
      inspector.id = "ns-inspector";
      document.body.appendChild(inspector);
    }
    return inspector;
  }

  function show(marks) {
    var box = getInspector();
    box.textContent = "";
    marks.forEach(function (m) {
      var line = document.createElement("div");
      line.className = m.className.replace(/\bsp\b|\bhl\b|\br\d+\b/g, "");
      line.textContent = m.getAttribute("title");
      box.appendChild(line);
    });
    var hint = document.createElement("div");
    hint.className = "ns-hint";
    hint.textContent = pinned ? "pinned: click the mark again or press Escape to release" : "click to pin";
    box.appendChild(hint);
    box.classList.toggle("on", marks.length > 0);
    box.classList.toggle("pinned", pinned !== null);
  }

  // every piece of each given mark gets `cls`; the pieces that had it before lose it
  function lightWith(cls, marks) {
    document.querySelectorAll(".sp." + cls).forEach(function (el) { el.classList.remove(cls); });
    marks.forEach(function (m) {
      var a = article(m);
      if (!a) return;
      a.querySelectorAll('.sp[data-s="' + m.getAttribute("data-s") + '"]').forEach(function (el) {
        el.classList.add(cls);
      });
    });
  }

  function light(marks) { lightWith("hl", marks); }

  document.addEventListener("mouseover", function (ev) {
    if (pinned || !ev.target.closest) return;
    var mark = ev.target.closest(".sp");
    if (!mark) { if (inspector) inspector.classList.remove("on"); light([]); return; }
    var marks = marksAt(mark);
    light(marks.slice(-1));
    show(marks);
  });

  // an evidence link in a panel lights the whole mark it points at, not only its first piece
  function lightLinked(link) {
    var anchor = document.getElementById(link.getAttribute("href").slice(1));
    var first = anchor && anchor.nextElementSibling;
    if (!first) return;
    var cls = "k-" + link.getAttribute("data-kind");
    var piece = first.classList.contains(cls) ? first : first.querySelector("." + cls);
    if (piece) lightWith("hl-link", [piece]);
  }

  // click pins the inspector on a mark; clicking the same mark again, or Escape, releases it
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest) return;
    var link = ev.target.closest("a[data-kind]");
    if (link) { lightLinked(link); return; }
    var mark = ev.target.closest(".sp");
    if (!mark) return;
    pinned = pinned === mark ? null : mark;
    var marks = marksAt(mark);
    light(marks.slice(-1));
    show(marks);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || !pinned) return;
    pinned = null;
    if (inspector) inspector.classList.remove("on", "pinned");
    light([]);
  });

  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!box.classList || !box.classList.contains("ns-toggle")) return;
    var a = article(box);
    if (a) a.classList.toggle("ns-hide-" + box.getAttribute("data-kind"), !box.checked);
  });
})();
