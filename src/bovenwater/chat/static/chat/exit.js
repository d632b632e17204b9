// Quick exit: the button and Esc pressed twice. First the page itself turns into the
// neutral page (its content from the <template>, the chat's styles gone: painted in the
// next frame, before anything is loaded), then the neutral page is loaded in its place
// (location.replace: Back does not return here); this site's storage is cleared and the
// conversation ended on the server (a beacon, which outlives the page).
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) return;
  var exitUrl = button.getAttribute("data-exit-url");
  var endUrl = button.getAttribute("data-end-url");
  var lastEscape = 0;

  function showNeutral() {
    var template = document.getElementById("neutral-page");
    var sheets = document.querySelectorAll('link[rel="stylesheet"], style');
    for (var i = 0; i < sheets.length; i += 1) sheets[i].parentNode.removeChild(sheets[i]);
    document.documentElement.removeAttribute("class");
    var body = document.createElement("body");
    if (template) {
      body.appendChild(template.content.cloneNode(true));
      document.title = template.getAttribute("data-title") || "";
    }
    document.documentElement.replaceChild(body, document.body);
  }

  function quickExit() {
    var token = null;
    try { token = window.sessionStorage.getItem("bw-chat-token"); } catch (e) { token = null; }
    showNeutral();
    if (token && navigator.sendBeacon) {
      navigator.sendBeacon(endUrl, JSON.stringify({ token: token, exit: true }));
    }
    if (window.bovenwaterChat) window.bovenwaterChat.exit();
    try { window.sessionStorage.clear(); } catch (e) { /* storage blocked */ }
    try { window.localStorage.clear(); } catch (e) { /* storage blocked */ }
    window.location.replace(exitUrl);
  }

  button.addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1500) quickExit();
    lastEscape = now;
  });
})();
