// The dashboard's behaviour: the theme toggle, relative times, and live rows fed by
// the server-sent events of /events (reconnecting by itself after a drop).
(function () {
  "use strict";

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

  function adjustCount(state, delta) {
    var counter = document.getElementById("count-" + state);
    if (counter) counter.textContent = String(Math.max(0, parseInt(counter.textContent, 10) + delta));
  }

  // Re-reads one job's status and redraws its row (built with textContent: no markup
  // from the server's data is ever parsed).
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

  refreshTimes();
  setInterval(refreshTimes, 15000);

  var live = document.getElementById("live");
  if (window.EventSource) {
    var source = new EventSource("/events");
    source.onopen = function () { if (live) live.classList.add("on"); };
    source.onerror = function () { if (live) live.classList.remove("on"); };
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.job_id) refreshRow(event.job_id);
    };
  }
})();
