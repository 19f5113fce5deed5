// The dashboard's behaviour: the theme toggle, relative times, acknowledging alerts,
// and pages kept live by the server-sent events of /events.
//
// Every page says in <main data-live="..."> which events concern it. The job list
// redraws the rows an event names; the other pages fetch themselves again and swap
// their <main>. Nothing from the server's data is ever parsed as script: rows are
// built with textContent, and swapped pages are the server's own escaped HTML.
(function () {
  "use strict";

  var main = document.querySelector("main");
  var live = main ? main.dataset.live : "none";

  // Theme ---------------------------------------------------------------------------

  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var root = document.documentElement;
      var current = root.dataset.theme ||
        (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("cronicle-theme", next); } catch (e) {}
    });
  }

  // Times ---------------------------------------------------------------------------

  function relative(iso) {
    var seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    var future = seconds > 0;
    var value = Math.abs(seconds);
    var units = [["day", 86400], ["h", 3600], ["min", 60], ["s", 1]];
    for (var i = 0; i < units.length; i++) {
      if (value >= units[i][1] || units[i][1] === 1) {
        var count = Math.floor(value / units[i][1]);
        var text = count + (units[i][0] === "day" ? (count === 1 ? " day" : " days") : " " + units[i][0]);
        return future ? "in " + text : text + " ago";
      }
    }
    return iso;
  }

  function refreshTimes(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) times[i].textContent = relative(times[i].getAttribute("datetime"));
  }

  function setTime(cell, iso, fallback) {
    cell.textContent = "";
    if (!iso) { cell.textContent = fallback || ""; return; }
    var time = document.createElement("time");
    time.setAttribute("datetime", iso);
    time.title = iso;
    time.textContent = relative(iso);
    cell.appendChild(time);
  }

  function minutes(duration) {
    if (duration === null || duration === undefined) return "";
    var seconds = duration * 60;
    if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + " s";
    if (seconds < 3600) return (seconds / 60).toFixed(1) + " min";
    return (seconds / 3600).toFixed(1) + " h";
  }

  // Messages ------------------------------------------------------------------------

  function notice(text) {
    if (!main) return;
    var box = document.getElementById("notice");
    if (!box) {
      box = document.createElement("p");
      box.id = "notice";
      box.className = "notice";
      box.setAttribute("role", "alert");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text;
  }

  // Redrawing -----------------------------------------------------------------------

  // Fetches this page again and swaps its <main>, keeping open run details open. At
  // most one fetch at a time; events that arrive meanwhile cause one more afterwards.
  var refreshing = false;
  var refreshAgain = false;
  function refreshPage() {
    if (refreshing) { refreshAgain = true; return; }
    refreshing = true;
    fetch(location.href, { headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshMain = fresh.querySelector("main");
        if (!freshMain || !main) return;
        var open = {};
        var details = main.querySelectorAll("details[open][data-keep]");
        for (var i = 0; i < details.length; i++) open[details[i].dataset.keep] = true;
        var kept = freshMain.querySelectorAll("details[data-keep]");
        for (var j = 0; j < kept.length; j++) if (open[kept[j].dataset.keep]) kept[j].open = true;
        var stale = document.getElementById("notice");
        main.replaceChildren.apply(main, Array.prototype.slice.call(freshMain.childNodes));
        if (stale) main.insertBefore(stale, main.firstChild);
        var freshPill = fresh.getElementById("open-alerts");
        showOpenAlerts(freshPill ? parseInt(freshPill.textContent, 10) : 0);
        refreshTimes(main);
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (refreshAgain) { refreshAgain = false; setTimeout(refreshPage, 300); }
      });
  }

  function adjustCount(state, delta) {
    var counter = document.getElementById("count-" + state);
    if (counter) counter.textContent = String(Math.max(0, parseInt(counter.textContent, 10) + delta));
  }

  // The job list: re-reads one job's status and redraws its row.
  function refreshRow(jobID) {
    var row = document.getElementById("job-" + jobID);
    if (!row) return;
    fetch("/jobs/" + encodeURIComponent(jobID) + "/status", { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return;
        var old = row.dataset.state;
        if (old !== status.status) {
          adjustCount(old, -1);
          adjustCount(status.status, 1);
          row.dataset.state = status.status;
        }
        var badge = row.querySelector(".badge");
        // Icons and words come from the status counts, which the server rendered.
        var count = document.querySelector('.count[data-state="' + status.status + '"]');
        var label = count ? [count.dataset.icon, count.dataset.label] : ["", status.status];
        badge.className = "badge state-" + status.status;
        badge.textContent = "";
        var icon = document.createElement("span");
        icon.setAttribute("aria-hidden", "true");
        icon.textContent = label[0];
        badge.appendChild(icon);
        badge.appendChild(document.createTextNode(" " + label[1]));
        var run = status.last_run;
        setTime(row.querySelector(".last-run"), run ? (run.start_time || run.end_time) : null, "never");
        row.querySelector(".duration").textContent = run ? minutes(run.duration) : "";
        setTime(row.querySelector(".next-run"), status.next_fire_time, "");
        row.classList.remove("flash");
        void row.offsetWidth;
        row.classList.add("flash");
      })
      .catch(function () {});
  }

  // The count of open alerts in the bar, shown as the server renders it: absent at 0.
  function showOpenAlerts(count) {
    var pill = document.getElementById("open-alerts");
    if (!count) { if (pill) pill.remove(); return; }
    if (!pill) {
      var link = document.querySelector('.sections a[href="/ui/alerts"]');
      if (!link) return;
      pill = document.createElement("span");
      pill.id = "open-alerts";
      pill.className = "pill";
      pill.title = "open alerts";
      link.appendChild(document.createTextNode(" "));
      link.appendChild(pill);
    }
    pill.textContent = String(count);
  }

  function refreshOpenAlertCount() {
    fetch("/alerts?resolved=false&acknowledged=false&per_page=1", { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (page) { if (page) showOpenAlerts(page.total); })
      .catch(function () {});
  }

  // Which events concern this page, and what to do with them.
  function handle(event) {
    var alertEvent = event.type.indexOf("alert_") === 0;
    if (live === "jobs") {
      if (event.type === "jobs_changed") refreshPage();
      else if (event.job_id) refreshRow(event.job_id);
      if (alertEvent) refreshOpenAlertCount();
    } else if (live === "job") {
      if (event.type === "jobs_changed" || event.job_id === main.dataset.job) refreshPage();
      else if (alertEvent) refreshOpenAlertCount();
    } else if (live === "alerts") {
      if (alertEvent || event.type === "jobs_changed") refreshPage();
    } else if (live === "notifications") {
      if (alertEvent || event.type === "sync_recorded") refreshPage();
    } else if (live === "sync") {
      if (event.type === "sync_recorded") refreshPage();
      else if (alertEvent) refreshOpenAlertCount();
    }
  }

  // Acknowledging -------------------------------------------------------------------

  function storedToken() {
    try { return localStorage.getItem("cronicle-token"); } catch (e) { return null; }
  }

  // Asks for the API token (the server answered 401), then calls `retry`.
  function askToken(retry) {
    var dialog = document.getElementById("token-dialog");
    var input = document.getElementById("token-input");
    if (!dialog || !dialog.showModal) { notice("This monitor needs its API token to change alerts."); return; }
    input.value = "";
    dialog.returnValue = "";
    // A saved token that was refused can be forgotten here.
    var forget = document.getElementById("token-forget");
    if (forget) forget.hidden = !storedToken();
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "forget") {
        try { localStorage.removeItem("cronicle-token"); } catch (e) {}
        return;
      }
      if (dialog.returnValue !== "save" || !input.value) return;
      try { localStorage.setItem("cronicle-token", input.value); } catch (e) {}
      retry();
    });
    dialog.showModal();
  }

  function acknowledge(button) {
    var id = button.dataset.alert;
    var headers = { "Accept": "application/json" };
    var token = storedToken();
    if (token) headers["Authorization"] = "Bearer " + token;
    button.disabled = true;
    fetch("/alerts/" + encodeURIComponent(id) + "/acknowledge", { method: "POST", headers: headers })
      .then(function (response) {
        if (response.status === 401) {
          button.disabled = false;
          askToken(function () { acknowledge(button); });
          return;
        }
        if (!response.ok) {
          button.disabled = false;
          return response.json().then(function (body) {
            notice("Could not acknowledge alert " + id + ": " + ((body && body.error && body.error.message) || response.status));
          }, function () { notice("Could not acknowledge alert " + id + ": HTTP " + response.status); });
        }
        refreshPage();
      })
      .catch(function () {
        button.disabled = false;
        notice("Could not reach the monitor to acknowledge alert " + id + ".");
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.ack") : null;
    if (button && !button.disabled) acknowledge(button);
    var copy = event.target.closest ? event.target.closest("button.copy") : null;
    if (copy) copyText(copy);
  });

  // Copy buttons: the text of the element named by data-copy. The clipboard API needs a
  // secure context (https or localhost); elsewhere the text is selected for Ctrl+C.
  function copyText(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent;
    function done(label) {
      button.textContent = label;
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done("Press Ctrl+C");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, select);
    } else {
      select();
    }
  }

  // Live updates ----------------------------------------------------------------------

  refreshTimes();
  setInterval(refreshTimes, 15000);

  var indicator = document.getElementById("live");
  function connect() {
    var source = new EventSource("/events");
    var dropped = false;
    source.onopen = function () {
      if (indicator) indicator.classList.add("on");
      // Events sent while the stream was down are lost: redraw from the server.
      if (dropped) refreshPage();
      dropped = false;
    };
    source.onerror = function () {
      if (indicator) indicator.classList.remove("on");
      dropped = true;
      // The browser retries a dropped stream by itself, but gives up after an HTTP
      // error (a proxy's 502, say); then start over a little later.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    };
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event && typeof event.type === "string") handle(event);
    };
  }
  if (window.EventSource && live && live !== "none") connect();
})();
