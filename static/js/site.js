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
})();
