/* The dashboard's charts (Chart.js from static/vendor); the same numbers are in the tables under each. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = { "on-time": "#198754", late: "#fd7e14", missing: "#b3261e", reporting: "#0d6efd" };
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation = false;
  // Ticks and tooltips write numbers the Vietnamese way (1.386; 86,4), as the tables do, in either language.
  Chart.defaults.locale = "vi-VN";
  var percent = new Intl.NumberFormat("vi-VN", { minimumFractionDigits: 0, maximumFractionDigits: 1 });
  function pct(value) { return percent.format(value) + " %"; }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  draw("chart-trend", {
    type: "bar",
    data: {
      labels: data.trend.labels,
      datasets: data.trend.series.map(function (s) {
        return { label: s.label, data: s.data, backgroundColor: colours[s.key] };
      })
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
  });

  draw("chart-children", {
    type: "bar",
    data: {
      labels: data.children.labels,
      datasets: data.children.series.map(function (s) {
        return { label: s.label, data: s.data, backgroundColor: colours[s.key] };
      })
    },
    options: {
      indexAxis: "y",
      scales: { x: { min: 0, max: 100, ticks: { callback: pct } } },
      plugins: {
        tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + (c.raw === null ? "—" : pct(c.raw)); } } }
      }
    }
  });

  if (data.indicator.labels.length) {
    draw("chart-indicator", {
      type: "line",
      data: {
        labels: data.indicator.labels,
        datasets: [{ label: data.indicator.label, data: data.indicator.data, borderColor: "#0d6efd", tension: 0.2 }]
      },
      options: { scales: { y: { beginAtZero: true } } }
    });
  }
})();
