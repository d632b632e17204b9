// Search-as-you-type for long pickers (progressive enhancement; NL Design System style).
// Mark a <select> or a <fieldset> of checkboxes with data-picker="Label of the search box".
// Without JavaScript the full, grouped list works as it is. With it, a search box above
// the list hides what does not match (ticked boxes and the chosen option always stay),
// and a live region says how many remain. Keyboard: type, then Tab into the list.
(function () {
  "use strict";
  var counter = 0;

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function rowsOf(target) {
    if (target.tagName === "SELECT") {
      return Array.prototype.slice.call(target.options).filter(function (o) { return o.value !== ""; });
    }
    return Array.prototype.slice.call(target.querySelectorAll("input[type=checkbox], input[type=radio]")).map(function (input) {
      return input.closest("li") || input.closest("label") || input.parentElement;
    });
  }

  function keep(row) {
    if (row.tagName === "OPTION") {
      return row.selected;
    }
    var input = row.querySelector("input");
    return input !== null && input.checked;
  }

  function setUp(target) {
    counter += 1;
    var id = "bw-picker-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "bw-picker";
    var label = document.createElement("label");
    label.className = "utrecht-form-label";
    label.setAttribute("for", id);
    label.textContent = target.getAttribute("data-picker");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "utrecht-textbox utrecht-textbox--html-input";
    input.setAttribute("autocomplete", "off");
    var status = document.createElement("p");
    status.className = "bw-muted bw-picker__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    target.parentNode.insertBefore(wrapper, target);
    var template = target.getAttribute("data-picker-count") || "{n}";

    function filter() {
      var words = normalise(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rowsOf(target).forEach(function (row) {
        var group = row.parentElement && row.parentElement.tagName === "OPTGROUP" ? row.parentElement.label : "";
        var text = normalise(row.textContent + " " + group);
        var match = words.every(function (w) { return text.indexOf(w) !== -1; }) || keep(row);
        row.hidden = !match;
        if (match) {
          shown += 1;
        }
      });
      Array.prototype.slice.call(target.querySelectorAll("optgroup, fieldset, [data-picker-group]")).forEach(function (group) {
        var visible = Array.prototype.slice.call(group.querySelectorAll("option, li, label")).some(function (el) { return !el.hidden; });
        group.hidden = !visible;
      });
      status.textContent = words.length ? template.replace("{n}", String(shown)) : "";
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // searching never submits the form
      }
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
