// The chat client of the young person and of staff: one protocol (see chat/consumers.py).
// It keeps the highest sequence number it showed and resumes after it on every
// (re)connect, over a WebSocket or, when WebSockets are blocked, long-polling; a message
// is shown once, in order. Texts come from data- attributes (translated server-side);
// messages are inserted as text, never as HTML.
(function () {
  "use strict";
  var app = document.getElementById("chat-app");
  if (!app) return;
  var staff = app.getAttribute("data-mode") === "staff";
  var role = app.getAttribute("data-role") || "youth";
  var log = document.getElementById("chat-log");
  var statusLine = document.getElementById("chat-status");
  var typingLine = document.getElementById("chat-typing");
  var compose = document.getElementById("chat-compose");
  var body = document.getElementById("chat-body");
  var errorLine = document.getElementById("chat-error");
  var TOKEN_KEY = "bw-chat-token";

  var token = null;
  var lastSeq = 0;
  var socket = null;
  var pending = {};          // client id -> body, until acknowledged
  var failures = 0;
  var opened = false;
  var usePolling = /[?&]verbinding=wacht\b/.test(window.location.search) || !window.WebSocket;
  var stopped = false;
  var ended = false;
  var stateKey = "";
  var otherRead = 0;
  var lastTypingSent = 0;
  var typingTimer = null;
  var readSent = 0;

  function label(name, values) {
    var text = app.getAttribute("data-label-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    return text;
  }

  function storage(action, value) {
    try {
      if (action === "get") return window.sessionStorage.getItem(TOKEN_KEY);
      if (action === "set") window.sessionStorage.setItem(TOKEN_KEY, value);
      if (action === "clear") window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage blocked: the chat still works for this page */ }
    return null;
  }

  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function ownSender() { return staff ? (role === "professional" ? "professional" : "helper") : "youth"; }

  function authorLabel(message) {
    if (message.sender === "system") return label("system");
    if (message.sender === ownSender()) return label("you");
    if (message.sender === "youth") return message.author || label("youth") || label("you");
    return message.author || label("helper");
  }

  function show(message) {
    if (message.seq <= lastSeq) return;  // shown already (a resend or a replay)
    lastSeq = message.seq;
    if (message.id) delete pending[message.id];
    var item = document.createElement("li");
    item.className = "bw-chat-msg bw-chat-msg--" + message.sender +
      (message.sender === ownSender() ? " bw-chat-msg--own" : "");
    item.setAttribute("data-seq", String(message.seq));
    item.setAttribute("data-testid", "chat-message");
    var head = document.createElement("span");
    head.className = "bw-chat-msg__head";
    head.textContent = authorLabel(message) + " · " + message.at;
    var text = document.createElement("p");
    text.className = "bw-chat-msg__body";
    text.textContent = message.body;
    item.appendChild(head);
    item.appendChild(text);
    if (staff && role === "helper" && message.sender === "youth") {
      var share = document.createElement("label");
      share.className = "bw-chat-share";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "share";
      box.value = String(message.seq);
      box.setAttribute("form", "handoff-form");
      share.appendChild(box);
      share.appendChild(document.createTextNode(" " + label("share")));
      item.appendChild(share);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    typingLine.textContent = "";
    markRead();
    showRead();
  }

  function showRead() {
    var mine = log.querySelectorAll(".bw-chat-msg--own");
    Array.prototype.forEach.call(mine, function (item) {
      var seq = parseInt(item.getAttribute("data-seq"), 10);
      if (seq <= otherRead && !item.querySelector(".bw-chat-msg__read")) {
        var read = document.createElement("span");
        read.className = "bw-chat-msg__read";
        read.textContent = label("read");
        item.appendChild(read);
      }
    });
  }

  function markRead() {
    if (document.hidden || lastSeq <= readSent || role === "observer" || role === "transfer") return;
    readSent = lastSeq;
    transmit({ type: "read", seq: lastSeq });
  }

  function showState(state) {
    stateKey = state.state_key || "";
    if (state.read_seq > otherRead) { otherRead = state.read_seq; showRead(); }
    if (state.last_seq > lastSeq && !socket) { /* the poll brings the messages */ }
    if (state.state === "queued") {
      statusLine.textContent = label("position", { position: state.position, minutes: state.wait_minutes });
    } else if (state.state === "active") {
      statusLine.textContent = label("active", { helper: state.helper });
    } else {
      statusLine.textContent = label("ended");
      finish();
    }
    var consent = document.getElementById("chat-consent");
    if (consent) {
      if (state.handoff) {
        consent.hidden = false;
        consent.setAttribute("data-handoff", String(state.handoff.id));
        document.getElementById("chat-consent-text").textContent = state.handoff.text;
      } else {
        consent.hidden = true;
      }
    }
  }

  function finish() {
    if (ended) return;
    ended = true;
    if (compose) compose.hidden = true;
    var survey = document.getElementById("chat-survey");
    if (survey && !staff) survey.hidden = false;
  }

  function handle(event) {
    if (event.type === "msg") show(event);
    else if (event.type === "state") showState(event);
    else if (event.type === "ack") { delete pending[event.id]; }
    else if (event.type === "typing") {
      typingLine.textContent = label("typing");
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(function () { typingLine.textContent = ""; }, 3000);
    } else if (event.type === "read") {
      if (event.seq > otherRead) { otherRead = event.seq; showRead(); }
    } else if (event.type === "error") {
      if (errorLine) { errorLine.textContent = event.message; errorLine.hidden = false; }
      else statusLine.textContent = event.message;
    }
  }

  // --- transport ---------------------------------------------------------------------

  function hello() {
    var message = { type: "hello", after: lastSeq };
    if (staff) message.conversation = parseInt(app.getAttribute("data-conversation"), 10);
    else message.token = token;
    return message;
  }

  function transmit(message) {
    if (socket && socket.readyState === 1) {
      socket.send(JSON.stringify(message));
      return true;
    }
    if (usePolling && !staff) {
      if (message.type === "send") postJson(app.getAttribute("data-send-url"), { token: token, id: message.id, body: message.body }).then(handle);
      if (message.type === "consent") postJson(app.getAttribute("data-consent-url"), { token: token, handoff: message.handoff, agree: message.agree });
      if (message.type === "end") postJson(app.getAttribute("data-end-url"), { token: token });
      return true;
    }
    return false;
  }

  function connect() {
    if (stopped) return;
    if (usePolling) { poll(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + app.getAttribute("data-ws-path"));
    socket.onopen = function () {
      opened = true;
      failures = 0;
      socket.send(JSON.stringify(hello()));
      Object.keys(pending).forEach(function (id) {  // resend what was not acknowledged
        socket.send(JSON.stringify({ type: "send", id: id, body: pending[id] }));
      });
    };
    socket.onmessage = function (event) { handle(JSON.parse(event.data)); };
    var heartbeat = window.setInterval(function () {  // resync: groups and missed messages
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
      else window.clearInterval(heartbeat);
    }, 15000);
    socket.onclose = function (event) {
      socket = null;
      if (stopped || event.code === 4403) return;
      failures += 1;
      if (!opened && failures >= 2 && !staff) { usePolling = true; poll(); return; }
      statusLine.textContent = label("offline");
      // back off, doubling up to 5 s, with jitter: after a server process dies, its
      // sockets do not all come back in the same instant
      var base = Math.min(5000, 250 * Math.pow(2, failures - 1));
      window.setTimeout(connect, base / 2 + Math.random() * base);
    };
  }

  function postJson(url, data) {
    return window.fetch(url, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data)
    }).then(function (response) { return response.json(); });
  }

  function poll() {
    if (stopped) return;
    postJson(app.getAttribute("data-poll-url"), { token: token, after: lastSeq, state_key: stateKey })
      .then(function (answer) {
        if (answer.type === "error") { handle(answer); return; }
        answer.messages.forEach(show);
        showState(answer.state);
        Object.keys(pending).forEach(function (id) {
          transmit({ type: "send", id: id, body: pending[id] });
        });
        window.setTimeout(poll, ended ? 5000 : 50);
      })
      .catch(function () {
        statusLine.textContent = label("offline");
        window.setTimeout(poll, 2000);
      });
  }

  // --- user actions ------------------------------------------------------------------

  if (compose) {
    compose.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = body.value.trim();
      if (!text) return;
      var id = newId();
      pending[id] = text;
      if (errorLine) errorLine.hidden = true;
      transmit({ type: "send", id: id, body: text });
      body.value = "";
      body.focus();
    });
    body.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 2000 && socket) {
        lastTypingSent = now;
        transmit({ type: "typing" });
      }
    });
    body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        compose.requestSubmit();
      }
    });
  }
  document.addEventListener("visibilitychange", markRead);
  Array.prototype.forEach.call(document.querySelectorAll("[data-canned]"), function (button) {
    button.addEventListener("click", function () {
      body.value = button.getAttribute("data-canned");
      body.focus();
    });
  });

  function answerConsent(agree) {
    var consent = document.getElementById("chat-consent");
    var id = parseInt(consent.getAttribute("data-handoff"), 10);
    transmit({ type: "consent", handoff: id, agree: agree });
    consent.hidden = true;
  }

  function startRoom() {
    document.getElementById("chat-start").hidden = true;
    document.getElementById("chat-room").hidden = false;
    connect();
  }

  if (!staff) {
    var startForm = document.getElementById("chat-start");
    var startError = document.getElementById("chat-start-error");
    startForm.addEventListener("submit", function (event) {
      event.preventDefault();
      startError.hidden = false;
      startError.textContent = label("checking");
      window.fetch(app.getAttribute("data-challenge-url"), { credentials: "omit", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (challenge) {
          var nonce = window.bovenwaterPow.solve(challenge.challenge, challenge.bits);
          return postJson(app.getAttribute("data-start-url"), {
            challenge: challenge.challenge,
            nonce: nonce,
            nickname: document.getElementById("chat-nickname").value,
            age_band: document.getElementById("chat-age").value
          });
        })
        .then(function (answer) {
          if (!answer.token) { startError.textContent = answer.message; return; }
          startError.hidden = true;
          token = answer.token;
          storage("set", token);
          startRoom();
        })
        .catch(function () { startError.textContent = label("offline"); });
    });
    document.getElementById("chat-end").addEventListener("click", function () {
      transmit({ type: "end" });
    });
    document.getElementById("chat-consent-yes").addEventListener("click", function () { answerConsent(true); });
    document.getElementById("chat-consent-no").addEventListener("click", function () { answerConsent(false); });
    var survey = document.getElementById("chat-survey");
    survey.addEventListener("submit", function (event) {
      event.preventDefault();
      var helped = document.getElementById("survey-helped").value;
      var back = survey.querySelector("input[name=would_return]:checked");
      postJson(app.getAttribute("data-survey-url"), {
        token: token,
        helped: helped ? parseInt(helped, 10) : null,
        would_return: back ? back.value === "yes" : null,
        comment: document.getElementById("survey-comment").value
      }).then(function () {
        document.getElementById("chat-survey-done").hidden = false;
        storage("clear");
      });
    });
    token = storage("get");
    if (token) startRoom();
  } else {
    connect();
  }

  window.bovenwaterChat = {
    exit: function () {  // the quick exit's beacon ends the conversation on the server
      stopped = true;
      if (socket) socket.close();
    },
    lastSeq: function () { return lastSeq; }
  };
})();
