/* Small progressive enhancements for the staff console; every page works without them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Unit pickers: a search box that hides options not matching what was typed.
  document.querySelectorAll("input.picker-filter").forEach(function (box) {
    var select = document.getElementById(box.dataset.filterFor);
    if (!select) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      select.querySelectorAll("option").forEach(function (option) {
        var text = (option.textContent + " " + option.parentNode.label).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        option.hidden = !match;
        if (match && !first && option.value) first = option;
      });
      if (first && words.length) select.value = first.value;
    });
  });

  // Response templates: choosing one fills the reply box; Alt+Shift+T jumps to the list.
  document.querySelectorAll("select[data-template-target]").forEach(function (select) {
    var target = document.getElementById(select.dataset.templateTarget);
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (!option || !option.dataset.text || !target) return;
      if (target.value.trim() && !window.confirm(select.dataset.confirm || "Replace the text?")) return;
      target.value = option.dataset.text;
      target.focus();
    });
    document.addEventListener("keydown", function (event) {
      if (event.altKey && event.shiftKey && (event.key === "T" || event.key === "t")) {
        event.preventDefault();
        select.focus();
      }
    });
  });

  // Inbox: j/k (or arrow keys with Alt) move between rows, Enter opens, x selects.
  var table = document.querySelector("table.inbox-table");
  if (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]"));
    var current = -1;
    var move = function (to) {
      if (!rows.length) return;
      if (current >= 0) rows[current].classList.remove("row-current");
      current = Math.max(0, Math.min(rows.length - 1, to));
      rows[current].classList.add("row-current");
      var link = rows[current].querySelector("a");
      if (link) link.focus();
    };
    document.addEventListener("keydown", function (event) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" && event.target.type !== "checkbox" || tag === "textarea" || tag === "select") return;
      if (event.ctrlKey || event.metaKey) return;
      if (event.key === "j" || (event.altKey && event.key === "ArrowDown")) { event.preventDefault(); move(current + 1); }
      else if (event.key === "k" || (event.altKey && event.key === "ArrowUp")) { event.preventDefault(); move(current - 1); }
      else if (event.key === "x" && current >= 0) {
        var box = rows[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; event.preventDefault(); }
      }
    });
    var all = document.getElementById("select-all");
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        table.querySelectorAll("tbody input[type=checkbox]").forEach(function (b) { b.checked = all.checked; });
      });
    }
  }
})();
