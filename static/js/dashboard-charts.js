// Charts for dashboards and report pages, drawn with Chart.js from a spec the server writes.
//
//   <canvas data-chart="spec-id" role="img" aria-label="…"></canvas>
//   {{ spec|json_script:"spec-id" }}
//
// spec = {type: "bar" | "line", labels: [...], datasets: [{label, data, colour?}],
//         stacked?: bool, horizontal?: bool, max?: number}  (built by core/charts.py)
// A null in data is a suppressed figure ("<5"): the chart leaves a gap and the table beside
// the chart, which always carries the same numbers, shows the suppression mark.
(function () {
  "use strict";

  var PALETTE = [
    "rgba(13, 110, 253, 0.75)",
    "rgba(25, 135, 84, 0.75)",
    "rgba(255, 193, 7, 0.85)",
    "rgba(220, 53, 69, 0.75)",
    "rgba(111, 66, 193, 0.75)",
    "rgba(13, 202, 240, 0.75)",
    "rgba(253, 126, 20, 0.8)",
    "rgba(108, 117, 125, 0.7)"
  ];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var persian = document.documentElement.lang === "fa";
    var numberFormat = new Intl.NumberFormat(persian ? "fa-IR" : "en-US");
    window.Chart.defaults.font.family = persian
      ? "'Vazirmatn FD', 'Vazirmatn', sans-serif"
      : "'Vazirmatn', system-ui, sans-serif";
    var horizontal = Boolean(spec.horizontal);
    var line = spec.type === "line";
    // On a phone a wide, short plot leaves no room for labels: make it taller.
    var narrow = window.matchMedia("(max-width: 575.98px)").matches;

    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = dataset.colour || PALETTE[index % PALETTE.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colour,
        borderColor: line ? colour.replace(/[\d.]+\)$/, "1)") : colour,
        borderWidth: line ? 2 : 0,
        spanGaps: false,
        cubicInterpolationMode: "monotone"
      };
    });

    function format(value) {
      return numberFormat.format(value);
    }

    // The value axis and the category axis; in a right-to-left page the categories run from the
    // right (vertical bars, lines) and horizontal bars grow from the right.
    var valueAxis = {
      beginAtZero: true,
      max: spec.max,
      stacked: Boolean(spec.stacked),
      ticks: { precision: 0, callback: format }
    };
    var categoryAxis = { stacked: Boolean(spec.stacked), ticks: { autoSkip: !horizontal } };
    var scales;
    if (horizontal) {
      valueAxis.reverse = rtl;
      categoryAxis.position = rtl ? "right" : "left";
      scales = { x: valueAxis, y: categoryAxis };
    } else {
      categoryAxis.reverse = rtl;
      valueAxis.position = rtl ? "right" : "left";
      scales = { x: categoryAxis, y: valueAxis };
    }

    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: horizontal
          ? Math.max(narrow ? 0.7 : 1.1, (narrow ? 1.6 : 2.6) - spec.labels.length * 0.12)
          : narrow ? 1.1 : 2,
        locale: persian ? "fa-IR" : "en-US",
        scales: scales,
        plugins: {
          legend: {
            display: datasets.length > 1,
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            position: "bottom"
          },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: {
              label: function (context) {
                var value = horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + ": " + format(value);
              }
            }
          }
        }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
