// The tracker chart: resolutions per responsible organisation, stacked by status.
// The numbers come from the page (json_script) and are also shown in the table beside it.
(function () {
  "use strict";

  var COLOURS = {
    open: "rgba(108, 117, 125, 0.55)",
    in_progress: "rgba(13, 202, 240, 0.75)",
    overdue: "rgba(220, 53, 69, 0.8)",
    done: "rgba(25, 135, 84, 0.7)",
    dropped: "rgba(33, 37, 41, 0.35)"
  };

  function draw() {
    var canvas = document.getElementById("tracker-chart");
    var source = document.getElementById("tracker-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var persian = document.documentElement.lang === "fa";
    var font = persian ? "'Vazirmatn FD', 'Vazirmatn', sans-serif" : "'Vazirmatn', system-ui, sans-serif";
    var numberFormat = new Intl.NumberFormat(persian ? "fa-IR" : "en-US");
    window.Chart.defaults.font.family = font;
    var narrow = window.matchMedia("(max-width: 575.98px)").matches;

    var datasets = data.keys.map(function (key, index) {
      return {
        label: data.statuses[index],
        data: data.series[index],
        backgroundColor: COLOURS[key] || "rgba(0, 0, 0, 0.3)"
      };
    });

    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: "y",
        responsive: true,
        aspectRatio: narrow ? 0.9 : Math.max(1.2, 3 - data.labels.length * 0.15),
        locale: persian ? "fa-IR" : "en-US",
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            // Bars grow from the right in a right-to-left page.
            reverse: rtl,
            ticks: {
              precision: 0,
              callback: function (value) {
                return numberFormat.format(value);
              }
            }
          },
          y: {
            stacked: true,
            position: rtl ? "right" : "left",
            ticks: { autoSkip: false }
          }
        },
        plugins: {
          legend: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr", position: "bottom" },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + numberFormat.format(context.parsed.x);
              }
            }
          }
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
