// The dashboard's behaviour: the theme toggle, times in the reader's zone, the actions
// (acknowledge, pause, resume, bulk acknowledge), the job list's search as one types,
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

  // Times are people's: relative ("3 min ago", "in 2 h") with the local clock time in
  // the reader's zone; the exact instant stays in datetime and title. The server writes
  // UTC for readers without the script.

  // A span of seconds in the largest unit that fits: "12 min", "2 h", "3 days".
  function span(seconds) {
    var units = [["day", 86400], ["h", 3600], ["min", 60], ["s", 1]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1] || units[i][1] === 1) {
        var count = Math.floor(seconds / units[i][1]);
        return count + (units[i][0] === "day" ? (count === 1 ? " day" : " days") : " " + units[i][0]);
      }
    }
    return "";
  }

  function relative(iso) {
    var seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    if (isNaN(seconds)) return iso;
    if (Math.abs(seconds) < 5) return "just now";
    return seconds > 0 ? "in " + span(seconds) : span(-seconds) + " ago";
  }

  // The clock time in the reader's zone, with the date when it is not today.
  function local(date) {
    var now = new Date();
    var clock = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (date.toDateString() === now.toDateString()) return clock;
    var day = { day: "numeric", month: "short" };
    if (date.getFullYear() !== now.getFullYear()) day.year = "numeric";
    return date.toLocaleDateString([], day) + " " + clock;
  }

  function describeTime(time) {
    var iso = time.getAttribute("datetime");
    var date = new Date(iso);
    if (isNaN(date.getTime())) return;
    if (time.hasAttribute("data-elapsed")) {
      time.textContent = span(Math.max(0, (Date.now() - date.getTime()) / 1000));
    } else {
      time.textContent = relative(iso) + " (" + local(date) + ")";
    }
  }

  function refreshTimes(root) {
    var times = (root || document).querySelectorAll("time[datetime]");
    for (var i = 0; i < times.length; i++) describeTime(times[i]);
  }

  function timeElement(iso, elapsed) {
    var time = document.createElement("time");
    time.setAttribute("datetime", iso);
    time.title = iso;
    if (elapsed) time.setAttribute("data-elapsed", "");
    describeTime(time);
    return time;
  }

  function setTime(cell, iso, fallback) {
    cell.textContent = "";
    if (!iso) { cell.textContent = fallback || ""; return; }
    cell.appendChild(timeElement(iso, false));
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

  function clearNotice() {
    var box = document.getElementById("notice");
    if (box) box.remove();
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
        // What the reader is doing survives the swap: ticked alerts, what they type, focus.
        var ticked = {};
        var boxes = main.querySelectorAll("input.select:checked");
        for (var k = 0; k < boxes.length; k++) ticked[boxes[k].value] = true;
        var freshBoxes = freshMain.querySelectorAll("input.select");
        for (var m = 0; m < freshBoxes.length; m++) if (ticked[freshBoxes[m].value]) freshBoxes[m].checked = true;
        var focused = document.activeElement && main.contains(document.activeElement) && document.activeElement.id
          ? document.activeElement : null;
        if (focused && focused.tagName === "INPUT") {
          var twin = freshMain.querySelector("#" + CSS.escape(focused.id));
          if (twin) twin.value = focused.value;
        }
        var stale = document.getElementById("notice");
        main.replaceChildren.apply(main, Array.prototype.slice.call(freshMain.childNodes));
        if (stale) main.insertBefore(stale, main.firstChild);
        if (focused) {
          var again = document.getElementById(focused.id);
          if (again) {
            again.focus();
            if (focused.tagName === "INPUT" && again.setSelectionRange && typeof focused.selectionStart === "number") {
              try { again.setSelectionRange(focused.selectionStart, focused.selectionEnd); } catch (e) {}
            }
          }
        }
        filterJobs();
        updateBulk();
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
        var oldNote = row.querySelector(".status .note");
        if (oldNote) oldNote.remove();
        var note = statusNote(status);
        if (note) {
          badge.parentNode.appendChild(document.createTextNode(" "));
          badge.parentNode.appendChild(note);
        }
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

  // Under a job's badge, as JobListPage.note writes it: since when it fails or is
  // missed, how long it runs, when a late job becomes missed.
  function statusNote(status) {
    var words = null, iso = null, elapsed = false;
    var kind = { missed: "missed_job", failed: "failed" }[status.status];
    if (kind) {
      (status.open_alerts || []).forEach(function (alert) {
        if (alert.type === kind && (!iso || alert.created_at < iso)) iso = alert.created_at;
      });
      words = "since";
    } else if (status.status === "running" || status.status === "long_running") {
      var run = status.last_run;
      if (run && run.status === "running" && run.start_time) { iso = run.start_time; elapsed = true; words = "for"; }
    } else if (status.status === "late") {
      iso = status.deadline;
      words = "missed at";
    }
    if (!iso) return null;
    var note = document.createElement("span");
    note.className = "note";
    note.appendChild(document.createTextNode(words + " "));
    note.appendChild(timeElement(iso, elapsed));
    return note;
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

  // Actions -------------------------------------------------------------------------

  // The monitor wants a key (HTTP 401): sign in, then come back to this page. The
  // session cookie goes with every request after that; no key is kept in the page.
  function askToken() {
    window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname + window.location.search));
  }

  // POSTs to one of the API's changing routes, with the session cookie. Resolves to "ok",
  // "token" (refused for want of a key: sign in) or an error in words (a key of too
  // small a scope is told which scope the change needs).
  function post(url, method, body) {
    var headers = { "Accept": "application/json" };
    var request = { method: method || "POST", headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      request.body = body;
    }
    return fetch(url, request).then(function (response) {
      if (response.ok) return "ok";
      if (response.status === 401) return "token";
      return response.json().then(function (body) {
        return (body && body.error && body.error.message) || "the monitor answered HTTP " + response.status;
      }, function () { return "the monitor answered HTTP " + response.status; });
    }, function () { return "the monitor could not be reached"; });
  }

  // One button, one change: acknowledge an alert, pause or resume a job. The button
  // names the route (data-url) and the change in words (data-what).
  function act(button) {
    var what = button.dataset.what || "make this change";
    button.disabled = true;
    post(button.dataset.url, button.dataset.method, button.dataset.body).then(function (outcome) {
      button.disabled = false;
      if (outcome === "token") { askToken(function () { act(button); }); return; }
      if (outcome !== "ok") { notice("Could not " + what + ": " + outcome + "."); return; }
      clearNotice();
      refreshPage();
    });
  }

  // The alerts page's bulk acknowledge: the ticked alerts, or every open one shown. One
  // request per alert, in turn; a refused token asks once and goes on where it stopped.
  function acknowledgeMany(ids, button) {
    var failures = [];
    var done = 0;
    button.disabled = true;
    function next(index) {
      if (index === ids.length) {
        button.disabled = false;
        if (failures.length) {
          notice("Acknowledged " + done + " of " + ids.length + " alerts. " + failures.join(" "));
        } else {
          clearNotice();
        }
        refreshPage();
        return;
      }
      post("/alerts/" + encodeURIComponent(ids[index]) + "/acknowledge").then(function (outcome) {
        if (outcome === "token") {
          button.disabled = false;
          askToken(function () { button.disabled = true; next(index); });
          if (done) refreshPage();
          return;
        }
        if (outcome === "ok") done++;
        else failures.push("Alert #" + ids[index] + ": " + outcome + ".");
        next(index + 1);
      });
    }
    next(0);
  }

  function selectedAlerts(scope) {
    var selector = scope === "selected" ? "table.alerts input.select:checked" : "table.alerts input.select";
    return Array.prototype.map.call(document.querySelectorAll(selector), function (box) { return box.value; });
  }

  // "Acknowledge selected" says how many and is off while none is ticked.
  function updateBulk() {
    var button = document.getElementById("ack-selected");
    if (!button) return;
    var count = selectedAlerts("selected").length;
    button.disabled = count === 0;
    button.textContent = count ? "Acknowledge selected (" + count + ")" : "Acknowledge selected";
    var all = document.getElementById("select-all");
    var boxes = selectedAlerts("shown").length;
    if (all) {
      all.checked = boxes > 0 && count === boxes;
      all.indeterminate = count > 0 && count < boxes;
    }
  }

  // The job page's snooze: a preset or a custom duration (at most 7 days), and a reason.
  function snooze(form) {
    var choice = form.querySelector("#snooze-for").value;
    var span = choice === "custom" ? form.querySelector("#snooze-custom").value.trim() : choice;
    if (!span) { notice("Write how long to snooze, such as 90m or 2d (at most 7d)."); return; }
    var body = { "for": span };
    var reason = form.querySelector("#snooze-reason").value.trim();
    if (reason) body.reason = reason;
    var what = form.dataset.what;
    post(form.dataset.url, "POST", JSON.stringify(body)).then(function (outcome) {
      if (outcome === "token") { askToken(function () { snooze(form); }); return; }
      if (outcome !== "ok") { notice("Could not " + what + ": " + outcome + "."); return; }
      clearNotice();
      refreshPage();
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.id !== "snooze-for") return;
    var custom = document.getElementById("snooze-custom");
    if (custom) custom.hidden = event.target.value !== "custom";
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "snooze-form") return;
    event.preventDefault();
    snooze(event.target);
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var button = event.target.closest("button.action");
    if (button && !button.disabled) act(button);
    var bulk = event.target.closest("button.bulk-ack");
    if (bulk && !bulk.disabled) {
      var ids = selectedAlerts(bulk.dataset.scope);
      if (ids.length) acknowledgeMany(ids, bulk);
      else notice("No open alert is shown to acknowledge.");
    }
    var copy = event.target.closest("button.copy");
    if (copy) copyText(copy);
  });

  document.addEventListener("change", function (event) {
    if (event.target.id === "select-all") {
      var boxes = document.querySelectorAll("table.alerts input.select");
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = event.target.checked;
    }
    if (event.target.id === "select-all" || event.target.classList.contains("select")) updateBulk();
  });

  // Searching the job list --------------------------------------------------------------

  // As one types, the rows shown are filtered at once by id, description and tags (the
  // server's data-search); a moment later the page is fetched again with ?q= so that the
  // counts, the pages and the jobs on other pages follow.
  var searchTimer = null;
  function filterJobs() {
    var input = document.getElementById("job-search");
    if (!input) return;
    var words = input.value.trim().toLowerCase();
    var rows = document.querySelectorAll("table.jobs tr[data-job]");
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var match = !words || (rows[i].dataset.search || "").indexOf(words) !== -1;
      rows[i].hidden = !match;
      if (match) shown++;
    }
    // Said as the server says it when nothing matches; the server's own row stays.
    var none = document.getElementById("no-match");
    if (!rows.length) return;
    if (!none && !shown) {
      none = document.createElement("tr");
      none.id = "no-match";
      var cell = document.createElement("td");
      cell.colSpan = 6;
      cell.className = "empty";
      cell.textContent = "No job matches.";
      none.appendChild(cell);
      rows[0].parentNode.appendChild(none);
    }
    if (none) none.hidden = shown > 0;
  }

  document.addEventListener("input", function (event) {
    if (event.target.id !== "job-search") return;
    filterJobs();
    var url = new URL(location.href);
    var words = event.target.value.trim();
    if (words) url.searchParams.set("q", words); else url.searchParams.delete("q");
    url.searchParams.delete("page");
    history.replaceState(null, "", url.pathname + url.search);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(refreshPage, 400);
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
  setInterval(function () { refreshTimes(); }, 15000);
  updateBulk();

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
