// markwatch keyboard triage. No framework, no inline script (the pages' CSP allows only this file).
// Queue: j/k move, Enter opens, c confirm, d dismiss (the reason is typed in the row); after c or d
// the cursor stays on the row that followed. Lead page: c confirm, d dismiss and e escalate (the
// reason or note is typed beside the buttons), n/p next/previous lead of the queue view.
// A key never fires while the user types in a field.
(function () {
  "use strict";

  function typing(event) {
    var target = event.target;
    var tag = (target && target.tagName) || "";
    return /^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (target && target.isContentEditable) ||
      event.ctrlKey || event.metaKey || event.altKey;
  }

  // --- the queue ---------------------------------------------------------------------------------
  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.lead-row"));
    var bulk = document.getElementById("bulk");
    var selectAll = document.getElementById("select-all");
    if (selectAll) {
      selectAll.addEventListener("change", function () {
        document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = selectAll.checked; });
      });
    }
    if (!rows.length) { return; }
    var table = document.querySelector("table.queue");
    var current = -1;
    var reasonRow = null;

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
    // back to this view after the decision, with the cursor on the row after the decided one
    function submit(actionName) {
      var action = document.getElementById("bulk-action");
      var next = bulk.querySelector("input[name=next]");
      if (!action || !only(rows[current])) { return; }
      action.value = actionName;
      var url = new URL(window.location.href);
      ["done", "changed", "refused", "cursor", "triage_end", "triage_action", "blacklisted"].forEach(function (k) {
        url.searchParams.delete(k);
      });
      var following = rows[current + 1] || rows[current - 1];
      if (following) { url.searchParams.set("cursor", following.getAttribute("data-id")); }
      if (next) { next.value = url.pathname + url.search; }
      bulk.submit();
    }
    function closeReason() {
      if (reasonRow) { reasonRow.parentNode.removeChild(reasonRow); reasonRow = null; }
    }
    function askReason() {
      closeReason();
      var row = rows[current];
      reasonRow = document.createElement("tr");
      reasonRow.className = "inline-reason";
      var cell = document.createElement("td");
      cell.colSpan = row.children.length;
      var input = document.createElement("input");
      input.id = "row-reason";
      input.maxLength = 2000;
      input.autocomplete = "off";
      input.placeholder = (table && table.getAttribute("data-reason")) || "";
      input.setAttribute("aria-label", input.placeholder);
      cell.appendChild(input);
      reasonRow.appendChild(cell);
      row.parentNode.insertBefore(reasonRow, row.nextSibling);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Escape") { closeReason(); event.preventDefault(); }
        else if (event.key === "Enter") {
          event.preventDefault();
          if (!input.value.trim()) { return; }
          document.getElementById("bulk-note").value = input.value;
          submit("dismiss");
        }
      });
      input.focus();
    }

    var wanted = new URL(window.location.href).searchParams.get("cursor");
    if (wanted) {
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute("data-id") === wanted) { move(i); break; }
      }
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event)) { return; }
      if (event.key === "j") { move(current + 1); event.preventDefault(); }
      else if (event.key === "k") { move(current - 1); event.preventDefault(); }
      else if (event.key === "Enter" && current >= 0) {
        window.location = rows[current].querySelector("td.title a").href;
      }
      else if (event.key === "c" && current >= 0 && bulk) { event.preventDefault(); submit("confirm"); }
      else if (event.key === "d" && current >= 0 && bulk) { event.preventDefault(); askReason(); }
    });
  }

  // --- a lead page -------------------------------------------------------------------------------
  function lead() {
    var form = document.getElementById("decision");
    var box = document.getElementById("inline-reason");
    var input = document.getElementById("inline-reason-text");
    var error = document.getElementById("inline-reason-error");
    var pending = null;
    var sent = false;  // one decision per page: a second key press before the next page is ignored

    function open(action) {
      if (!box || !document.getElementById("action-" + action)) { return; }
      pending = action;
      box.hidden = false;
      input.value = "";
      input.placeholder = box.getAttribute("data-placeholder-" + action) || "";
      error.hidden = true;
      input.focus();
    }
    function close() {
      if (!box) { return; }
      box.hidden = true;
      pending = null;
    }
    function go() {
      var text = input.value.trim();
      if (!text) {
        error.textContent = box.getAttribute("data-missing");
        error.hidden = false;
        input.focus();
        return;
      }
      if (sent) { return; }
      sent = true;
      document.getElementById("decision-note").value = text;
      form.requestSubmit(document.getElementById("action-" + pending));
    }
    if (box) {
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); go(); }
        else if (event.key === "Escape") { event.preventDefault(); close(); }
      });
      document.getElementById("inline-reason-go").addEventListener("click", go);
      document.getElementById("inline-reason-cancel").addEventListener("click", close);
    }
    function follow(id) {
      var link = document.getElementById(id);
      if (link) { window.location = link.href; }
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || sent) { return; }
      var key = event.key;
      if (key === "c" && form && document.getElementById("action-confirm")) {
        event.preventDefault();
        sent = true;
        form.requestSubmit(document.getElementById("action-confirm"));
      }
      else if (key === "d") { event.preventDefault(); open("dismiss"); }
      else if (key === "e") { event.preventDefault(); open("escalate"); }
      else if (key === "n") { event.preventDefault(); follow("next-lead"); }
      else if (key === "p") { event.preventDefault(); follow("prev-lead"); }
    });
  }

  if (document.querySelector("nav.triage")) { lead(); } else { queue(); }
})();
