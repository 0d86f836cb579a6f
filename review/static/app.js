// markwatch queue keyboard shortcuts: j/k move, c confirm, d dismiss (asks for the reason first).
// No framework, no inline script (the pages' CSP allows only this file).
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.lead-row"));
  var bulk = document.getElementById("bulk");
  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = selectAll.checked; });
    });
  }
  if (!rows.length) { return; }
  var current = -1;
  function move(to) {
    if (current >= 0) { rows[current].classList.remove("current"); }
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function only(row) {
    document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = false; });
    var box = row.querySelector("input[name=ids]");
    if (box) { box.checked = true; }
    return box;
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var action = document.getElementById("bulk-action");
    if (event.key === "j") { move(current + 1); event.preventDefault(); }
    else if (event.key === "k") { move(current - 1); event.preventDefault(); }
    else if (event.key === "Enter" && current >= 0) { window.location = rows[current].querySelector("a").href; }
    else if ((event.key === "c" || event.key === "d") && current >= 0 && bulk && action) {
      if (!only(rows[current])) { return; }
      action.value = event.key === "c" ? "confirm" : "dismiss";
      event.preventDefault();
      if (event.key === "c") { bulk.submit(); }
      else { document.getElementById("bulk-note").focus(); }  // a dismissal needs its reason, then Enter
    }
  });
})();
