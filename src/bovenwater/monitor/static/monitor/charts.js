// Draw every Vega-Lite chart of a page: <div data-vega-spec="ID"> reads the JSON from
// the <script type="application/json" id="ID"> beside it. The table below each chart
// is the accessible alternative; the drawing itself is hidden from assistive technology.
(function () {
  "use strict";
  // Numbers and dates on the axes as the page's language writes them: 1.150 and
  // 7 december 2026 on Dutch pages, 1,150 and 7 December 2026 on English ones.
  var DUTCH = {
    number: { decimal: ",", thousands: ".", grouping: [3], currency: ["€ ", ""] },
    time: {
      dateTime: "%A %e %B %Y %X", date: "%d-%m-%Y", time: "%H:%M:%S",
      periods: ["", ""],
      days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
      shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
      months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
  };
  var ENGLISH = {
    number: { decimal: ".", thousands: ",", grouping: [3], currency: ["€", ""] },
    time: {
      dateTime: "%A %e %B %Y %X", date: "%d/%m/%Y", time: "%H:%M:%S",
      periods: ["AM", "PM"],
      days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
      shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
      months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
      shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    },
  };
  var LOCALE = (document.documentElement.lang || "nl").indexOf("en") === 0 ? ENGLISH : DUTCH;

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
        // Expressions (axis formats, tooltips) through Vega's interpreter: the strict
        // Content-Security-Policy allows no eval.
        ast: true,
        formatLocale: LOCALE.number,
        timeFormatLocale: LOCALE.time,
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
