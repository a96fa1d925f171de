/* The report form keeps every word typed.
 * - Saves the draft on the server after a few seconds of idle typing (with the revision it started
 *   from; the server refuses a save made from an older copy and answers 409 with the newer text).
 * - Keeps a copy in localStorage on every keystroke, so an expired session, a lost connection or a
 *   closed tab loses nothing: the copy is put back on the next visit, with a notice.
 * - On a conflict shows the other person's text beside the form; the user keeps theirs or takes it.
 */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch) return;
  var i18n = JSON.parse(document.getElementById("report-i18n").textContent);
  var statusEl = document.getElementById("save-status");
  var notices = document.getElementById("report-notices");
  var revision = form.querySelector("input[name=revision]");
  var key = form.dataset.storageKey;
  var url = form.dataset.autosaveUrl;
  var IDLE_MS = 2500;
  var RETRY_MS = 15000;
  var timer = null;
  var inFlight = false;
  var again = false;
  var stopped = false;
  var pendingSubmitter = null;

  function fields() { return Array.prototype.slice.call(form.querySelectorAll("[data-autosave]")); }
  function values() {
    var v = {};
    fields().forEach(function (el) { v[el.name] = el.value; });
    return v;
  }
  function serial() { return JSON.stringify(values()); }
  function apply(map) {
    fields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(map, el.name)) el.value = map[el.name];
    });
  }
  function store() {
    try { localStorage.setItem(key, JSON.stringify({ revision: revision.value, at: Date.now(), fields: values() })); } catch (e) { /* private mode: the server copy remains */ }
  }
  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ } }
  function csrf() { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }
  function setStatus(text, danger) {
    statusEl.textContent = text;
    statusEl.classList.toggle("text-danger", !!danger);
    statusEl.classList.toggle("text-muted", !danger);
  }
  function button(text, cls, onclick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + cls;
    b.textContent = text;
    b.addEventListener("click", onclick);
    return b;
  }
  function notice(text, kind, buttons, link) {
    var box = document.createElement("div");
    box.className = "alert alert-" + kind + " d-flex flex-wrap gap-2 align-items-center";
    box.setAttribute("role", "status");
    var span = document.createElement("span");
    span.className = "me-auto";
    span.textContent = text;
    box.appendChild(span);
    if (link) {
      var a = document.createElement("a");
      a.className = "btn btn-sm btn-primary";
      a.href = link.href;
      a.textContent = link.text;
      box.appendChild(a);
    }
    (buttons || []).forEach(function (b) {
      box.appendChild(b);
      b.addEventListener("click", function () { box.remove(); });
    });
    notices.appendChild(box);
    return box;
  }

  var lastSent = serial();

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(save, ms || IDLE_MS);
  }

  function finish() {
    if (pendingSubmitter) {
      var submitter = pendingSubmitter;
      pendingSubmitter = null;
      if (form.requestSubmit) form.requestSubmit(submitter); else submitter.click();
      return;
    }
    if (again) schedule();
  }

  function save() {
    if (stopped) return;
    if (inFlight) { again = true; return; }
    var current = serial();
    if (current === lastSent) return;
    inFlight = true;
    again = false;
    setStatus(i18n.saving);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf());
    body.append("revision", revision.value);
    var sent = JSON.parse(current);
    Object.keys(sent).forEach(function (name) { body.append(name, sent[name]); });
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
      keepalive: current.length < 60000
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        inFlight = false;
        if (response.ok) {
          revision.value = data.revision;
          lastSent = current;
          setStatus(i18n.saved + " " + data.saved_at);
          if (serial() === current) forget();
        } else if (response.status === 401 || (response.status === 403 && !data.error)) {
          // 401: the session ended. A 403 without our JSON is the CSRF check: the login changed elsewhere.
          stopped = true;
          setStatus(i18n.session, true);
          notice(i18n.session, "warning", [], { href: data.login_url || form.dataset.loginUrl, text: i18n.login });
        } else if (response.status === 409 && data.error === "conflict") {
          stopped = true;
          showConflict(data);
        } else if (response.status === 409) {
          stopped = true;
          notice(data.message || i18n.notEditable, "danger", [], data.url ? { href: data.url, text: i18n.open } : null);
        } else {
          setStatus(i18n.offline, true);
          again = true;
          schedule(RETRY_MS);
        }
        finish();
      });
    }).catch(function () {
      inFlight = false;
      setStatus(i18n.offline, true);
      again = true;
      schedule(RETRY_MS);
      finish();
    });
  }

  function showConflict(data) {
    var panel = document.getElementById("conflict-panel");
    var list = document.getElementById("conflict-fields");
    document.getElementById("conflict-title").textContent =
      i18n.conflict.replace("%(who)s", data.by || "?").replace("%(when)s", data.at || "");
    list.textContent = "";
    var theirs = {};
    (data.fields || []).forEach(function (f) {
      theirs[f.name] = f.theirs;
      var wrap = document.createElement("div");
      wrap.className = "mb-2";
      var label = document.createElement("div");
      label.className = "small fw-semibold";
      label.textContent = f.label;
      var text = document.createElement("div");
      text.className = "qcdc-theirs";
      text.textContent = f.theirs || i18n.empty;
      wrap.appendChild(label);
      wrap.appendChild(text);
      list.appendChild(wrap);
    });
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
    document.getElementById("conflict-keep").onclick = function () {
      revision.value = data.revision;
      panel.hidden = true;
      stopped = false;
      lastSent = null;
      save();
    };
    document.getElementById("conflict-take").onclick = function () {
      apply(theirs);
      revision.value = data.revision;
      panel.hidden = true;
      stopped = false;
      lastSent = serial();
      forget();
      setStatus(i18n.saved + " " + (data.at || ""));
    };
  }

  form.addEventListener("input", function (event) {
    if (!event.target.matches("[data-autosave]")) return;
    store();
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (!event.target.matches("[data-autosave]")) return;
    store();
    schedule();
  });
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    store();
    if (inFlight) {  // send the form once the save in progress has returned its revision
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save();
  });

  // Text typed here earlier and never saved: put it back, or offer to when someone saved since.
  var backup = stored();
  if (backup && backup.fields) {
    var now = values();
    var differs = Object.keys(backup.fields).some(function (name) {
      return Object.prototype.hasOwnProperty.call(now, name) && backup.fields[name] !== now[name];
    });
    if (!differs) {
      forget();
    } else if (String(backup.revision) === String(revision.value)) {
      apply(backup.fields);
      notice(i18n.restored, "info", [button(i18n.discard, "btn-outline-secondary", function () {
        apply(now);
        forget();
        lastSent = serial();
      })]);
      schedule(500);
    } else {
      notice(i18n.restoreOffer, "warning", [
        button(i18n.useMine, "btn-primary", function () { apply(backup.fields); store(); schedule(500); }),
        button(i18n.discard, "btn-outline-secondary", function () { forget(); })
      ]);
    }
  }
})();
