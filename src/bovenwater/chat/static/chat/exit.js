// Quick exit: the button and Esc pressed twice replace the page with a neutral one
// (location.replace: Back does not return here), clear this site's storage and end the
// conversation on the server (a beacon, which outlives the page).
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) return;
  var exitUrl = button.getAttribute("data-exit-url");
  var endUrl = button.getAttribute("data-end-url");
  var lastEscape = 0;

  function quickExit() {
    var token = null;
    try { token = window.sessionStorage.getItem("bw-chat-token"); } catch (e) { token = null; }
    if (token && navigator.sendBeacon) {
      navigator.sendBeacon(endUrl, JSON.stringify({ token: token, exit: true }));
    }
    if (window.bovenwaterChat) window.bovenwaterChat.exit();
    try { window.sessionStorage.clear(); } catch (e) { /* storage blocked */ }
    try { window.localStorage.clear(); } catch (e) { /* storage blocked */ }
    document.body.textContent = "";
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
