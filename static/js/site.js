/* Behaviour every page shares, kept out of the markup so the Content-Security-Policy can forbid inline
   scripts and style attributes: a select that submits its form when changed, and sizes given as data. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("[data-width]").forEach(function (el) {
    el.style.width = el.dataset.width;
  });
  document.querySelectorAll("[data-height]").forEach(function (el) {
    el.style.height = el.dataset.height;
  });
  // A table wider than the screen scrolls in its box: the box takes the keyboard focus (arrow keys
  // scroll it) and is named after its table, so it can be reached without a mouse.
  function focusableScroll() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var table = box.querySelector("table"), caption = table && table.querySelector("caption");
        var section = box.closest("section[aria-labelledby]");
        box.tabIndex = 0;
        box.dataset.qcdcScroll = "1";
        if (caption) box.setAttribute("aria-label", caption.textContent.trim());
        else if (section) box.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
        if (caption || section) box.setAttribute("role", "region");
      } else if (!scrolls && box.dataset.qcdcScroll) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  document.querySelectorAll("[data-toggle-columns]").forEach(function (button) {
    var table = document.getElementById(button.dataset.toggleColumns);
    button.addEventListener("click", function () {
      var all = table.classList.toggle("qcdc-all-cols");
      button.setAttribute("aria-pressed", all ? "true" : "false");
      focusableScroll();
    });
  });
  focusableScroll();
  window.addEventListener("resize", focusableScroll);

  // A form shown again with errors: each field in error is marked for screen readers and tied to its
  // message, and the first one is scrolled into view and given the focus (the summary above the form
  // names them all, each a link to its field).
  function control(box) {
    return box && box.querySelector("input:not([type=hidden]), select, textarea");
  }
  function reveal(field) {
    for (var d = field.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    field.scrollIntoView({block: "center"});
    field.focus({preventScroll: true});
  }
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    document.querySelectorAll(".invalid-feedback").forEach(function (message, i) {
      var field = message.id && document.querySelector("[aria-describedby~='" + message.id + "']");
      field = field || control(message.closest(".qcdc-invalid")) || control(message.parentElement);
      if (!field) return;
      if (!message.id) message.id = "qcdc-error-" + i;
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(message.id) < 0) field.setAttribute("aria-describedby", described.concat(message.id).join(" "));
    });
    var scope = summary.closest("form") || document;
    var first = scope.querySelector("[aria-invalid=true], .is-invalid");
    if (first) reveal(first); else summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-focus]"), field = link && document.getElementById(link.dataset.focus);
      if (!field) return;
      event.preventDefault();
      reveal(field);
    });
  }
})();
