/* Dates typed and shown as dd/mm/yyyy, months as "tháng 1/2026", whatever the browser's language.

   A date field is a plain text field (units.forms.DateInput: data-datepicker="day"; a month field:
   data-datepicker="month") that the reader types into freely; the server reads the text. Beside it a
   button opens a Vietnamese calendar (flatpickr, static/vendor/), which writes the date it picks into the
   field. The calendar never rewrites what is typed, so a mistyped date reaches the server and comes back
   with its error instead of vanishing. The calendar's files load only on pages that have a date field. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[data-datepicker]");
  var me = document.currentScript;
  if (!fields.length || !me) return;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function day(date) { return two(date.getDate()) + "/" + two(date.getMonth() + 1) + "/" + date.getFullYear(); }
  function month(date) { return "tháng " + (date.getMonth() + 1) + "/" + date.getFullYear(); }
  // What the server accepts too: dd/mm/yyyy (or d/m/yyyy) and ISO; for months m/yyyy, "tháng m/yyyy", yyyy-mm.
  function parse(text, kind) {
    var t = (text || "").trim().toLowerCase(), m;
    if (kind === "month") {
      if ((m = t.match(/^(?:tháng\s*)?(\d{1,2})\s*\/\s*(\d{4})$/))) return valid(+m[2], +m[1], 1);
      if ((m = t.match(/^(\d{4})-(\d{1,2})$/))) return valid(+m[1], +m[2], 1);
      return null;
    }
    if ((m = t.match(/^(\d{1,2})\s*\/\s*(\d{1,2})\s*\/\s*(\d{4})$/))) return valid(+m[3], +m[2], +m[1]);
    if ((m = t.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return valid(+m[1], +m[2], +m[3]);
    return null;
  }
  function valid(y, mo, d) {
    var date = new Date(y, mo - 1, d);
    return date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d ? date : null;
  }

  function load(urls, make, done) {
    var left = urls.length;
    urls.forEach(function (url) {
      var el = make(url);
      el.addEventListener("load", function () { if (--left === 0) done(); });
      document.head.appendChild(el);
    });
  }
  function script(url) { var s = document.createElement("script"); s.src = url; s.async = false; return s; }
  function style(url) { var l = document.createElement("link"); l.rel = "stylesheet"; l.href = url; return l; }

  function attach(field) {
    var kind = field.dataset.datepicker;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary qcdc-datepicker-button";
    button.setAttribute("aria-label", me.dataset.label + (field.labels && field.labels[0] ? ": " + field.labels[0].textContent.trim() : ""));
    button.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" fill="currentColor" aria-hidden="true" focusable="false"><path d="M3.5 0a.5.5 0 0 1 .5.5V1h8V.5a.5.5 0 0 1 1 0V1h1a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2h1V.5a.5.5 0 0 1 .5-.5zM1 4v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V4H1z"/></svg>';
    var group = field.closest(".input-group");
    if (!group) {
      group = document.createElement("div");
      group.className = "input-group" + (field.classList.contains("form-control-sm") ? " input-group-sm" : "");
      field.parentNode.insertBefore(group, field);
      group.appendChild(field);
    }
    group.appendChild(button);
    var anchor = document.createElement("input");
    anchor.type = "hidden";
    group.appendChild(anchor);
    var options = {
      locale: "vn",
      clickOpens: false,
      disableMobile: true,
      positionElement: field,
      onChange: function (dates) {
        if (!dates.length) return;
        field.value = kind === "month" ? month(dates[0]) : day(dates[0]);
        field.dispatchEvent(new Event("change", {bubbles: true}));
      },
      onClose: function () { field.focus(); }
    };
    if (kind === "month") options.plugins = [new window.monthSelectPlugin({shorthand: true, dateFormat: "Y-m"})];
    var picker = window.flatpickr(anchor, options);
    anchor.type = "hidden";  // flatpickr makes its input a read-only text field: this one only anchors it
    button.addEventListener("click", function () {
      var date = parse(field.value, kind);
      if (date) picker.setDate(date, false); else picker.clear(false);
      picker.open();
    });
  }

  load(me.dataset.styles.split(" "), style, function () {});
  load(me.dataset.scripts.split(" "), script, function () {
    fields.forEach(attach);
  });
})();
