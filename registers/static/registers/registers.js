// A community decision's form: shows, while the households are typed, whether the decision carries
// (more than the kind's threshold of the households in the community agree). The server computes it
// again on save; this is only the preview.
(function () {
  "use strict";
  var out = document.getElementById("ballot-result");
  if (!out) { return; }
  var thresholds = JSON.parse(out.dataset.thresholds || "{}");
  var kind = document.getElementById("id_matter_kind");
  function value(name) {
    var input = document.querySelector("[data-ballot='" + name + "']");
    var n = input ? parseInt(input.value, 10) : NaN;
    return isNaN(n) ? null : n;
  }
  function update() {
    var total = value("households_total");
    var agreeing = value("households_agreeing");
    if (!total || agreeing === null) { out.hidden = true; return; }
    var threshold = parseFloat(thresholds[kind && kind.value] || "50");
    var pct = Math.round(agreeing * 1000 / total) / 10;
    var carries = agreeing * 100 > threshold * total;
    out.hidden = false;
    out.className = "alert py-2 small " + (carries ? "alert-success" : "alert-warning");
    out.textContent = (carries ? out.dataset.carries : out.dataset.fails) + ": " + agreeing + "/" + total + " (" + pct + "%) > " + threshold + "%?";
  }
  document.querySelectorAll("[data-ballot]").forEach(function (input) { input.addEventListener("input", update); });
  if (kind) { kind.addEventListener("change", update); }
  update();
}());
