// evaltool web workspace: live import preview, job progress, sortable and filterable tables.
// Everything works without this script too (forms post, pages reload); it only saves clicks.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]').content;
  document.documentElement.classList.add("js");

  // Import preview: any change to a choice re-inspects the file and swaps the preview in.
  // The focus stays where the user has it by then (not on the field that changed: leaving
  // a field with Tab changes it), with what was typed there since the request went out.
  var typing = function (el) {
    return el.tagName === "TEXTAREA" ||
      (el.tagName === "INPUT" && !/^(checkbox|radio|file|button|submit)$/.test(el.type));
  };
  var swapKeepingFocus = function (box, html) {
    var active = document.activeElement;
    var keep = active && active.id && box.contains(active) ? active : null;
    var typed = keep && typing(keep) ? keep.value : null;
    var caret = typed !== null ? [keep.selectionStart, keep.selectionEnd] : null;
    box.innerHTML = html;
    var again = keep && document.getElementById(keep.id);
    if (!again) { return; }
    if (typed !== null && again.value !== typed) { again.value = typed; }
    again.focus();
    if (caret && caret[0] !== null) {
      try { again.setSelectionRange(caret[0], caret[1]); } catch (e) { /* no caret here */ }
    }
  };
  var form = document.getElementById("choices");
  if (form && form.dataset.preview) {
    var pending = null;
    form.addEventListener("change", function () {
      var body = new FormData(form);
      if (pending) { pending.abort(); }
      pending = new AbortController();
      form.setAttribute("aria-busy", "true");
      fetch(form.dataset.preview, {
        method: "POST", body: body, headers: { "X-CSRF-Token": token },
        credentials: "same-origin", signal: pending.signal
      }).then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (result) {
        form.removeAttribute("aria-busy");
        if (!result.ok) { window.location.reload(); return; }
        swapKeepingFocus(document.getElementById("inspection"), result.html);
      }).catch(function (error) {
        if (error.name !== "AbortError") { form.removeAttribute("aria-busy"); }
      });
    });
  }

  // Background jobs: poll until done, then show the result.
  var job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    var bar = document.getElementById("job-progress");
    var step = document.getElementById("job-step");
    var elapsed = document.getElementById("job-elapsed");
    var poll = function () {
      fetch("/jobs/" + job.dataset.job + ".json", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.total) { bar.max = s.total; bar.value = s.done; }
          step.textContent = s.step || "";
          elapsed.textContent = (s.elapsed || 0).toFixed(1) + " s";
          if (s.state === "done" || s.state === "failed" || s.state === "unknown") {
            window.location.reload();
          } else {
            window.setTimeout(poll, 500);
          }
        })
        .catch(function () { window.setTimeout(poll, 2000); });
    };
    window.setTimeout(poll, 300);
  }

  // Sortable tables: a header button sorts by its column (numbers as numbers).
  var number = function (text) {
    var t = text.replace(/\s|\u202f|\u00a0/g, "").replace("\u2212", "-").replace(",", ".");
    return t !== "" && !isNaN(t) ? parseFloat(t) : null;
  };
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("button.sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var k = parseInt(button.dataset.key, 10);
        var th = button.parentElement;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[k].textContent, y = b.cells[k].textContent;
          var nx = number(x), ny = number(y), c;
          if (nx !== null && ny !== null) { c = nx - ny; } else { c = x.localeCompare(y); }
          return ascending ? c : -c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  // Filter boxes: show only the rows of the table that contain the text.
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filter);
    input.addEventListener("input", function () {
      var want = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = want !== "" && row.textContent.toLowerCase().indexOf(want) < 0;
      });
    });
  });
})();
