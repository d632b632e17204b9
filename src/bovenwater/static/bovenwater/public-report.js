// The public report as a short guided form (progressive enhancement: without JavaScript
// every question group shows). With it, choosing what you saw shows only that group's
// questions (and those that always apply), and the step list marks what is filled in.
(function () {
  "use strict";
  var form = document.querySelector("[data-public-report]");
  if (!form) {
    return;
  }
  var radios = form.querySelectorAll("input[data-category]");
  var groups = form.querySelectorAll("[data-signs-for]");

  function chosen() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) {
        return radios[i].value;
      }
    }
    return null;
  }

  function showGroups() {
    var category = chosen();
    for (var i = 0; i < groups.length; i++) {
      var key = groups[i].getAttribute("data-signs-for");
      var ticked = groups[i].querySelector("input:checked") !== null;
      // The group of the chosen category and the general one show; a group with a
      // ticked answer stays visible so nothing chosen is hidden.
      groups[i].hidden = !(key === "" || key === category || ticked || category === null);
    }
  }

  var steps = document.querySelectorAll("[data-testid=report-steps] a[data-step]");

  function filled(step) {
    var section = form.querySelector("fieldset[data-step=" + step + "]");
    if (!section) {
      return false;
    }
    var fields = section.querySelectorAll("textarea, select, input[type=text], input[type=date], input[type=email], input:checked");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].type === "radio" && fields[i].value === "unknown") {
        continue;
      }
      if (fields[i].value && fields[i].value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function markSteps() {
    for (var i = 0; i < steps.length; i++) {
      var done = filled(steps[i].getAttribute("data-step"));
      steps[i].parentElement.classList.toggle("bw-steps__done", done);
    }
  }

  form.addEventListener("change", function () {
    showGroups();
    markSteps();
  });
  form.addEventListener("input", markSteps);
  showGroups();
  markSteps();
})();
