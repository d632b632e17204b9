// Draw every Vega-Lite chart of a page: <div data-vega-spec="ID"> reads the JSON from
// the <script type="application/json" id="ID"> beside it. The table below each chart
// is the accessible alternative; the drawing itself is hidden from assistive technology.
(function () {
  "use strict";
  function draw() {
    if (typeof vegaEmbed !== "function") return;
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      // No injected stylesheet: the Content-Security-Policy allows no inline style.
      vegaEmbed(element, spec, {
        actions: false,
        renderer: "svg",
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true },
      })
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function (error) { element.setAttribute("data-error", String(error)); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
