// The coverage chart: for each service, how many provinces have no organisation offering it.
// The numbers come from the page (json_script) and are also shown in the table beside it.
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("coverage-chart");
    var source = document.getElementById("coverage-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var persian = document.documentElement.lang === "fa";
    var font = persian ? "'Vazirmatn FD', 'Vazirmatn', sans-serif" : "'Vazirmatn', system-ui, sans-serif";
    // static/js/numbers.js: the one way numbers are written (Persian digits and ٬ in Persian).
    var format = window.koodakNumbers.format;
    window.Chart.defaults.font.family = font;
    var narrow = window.matchMedia("(max-width: 575.98px)").matches;

    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: canvas.dataset.labelLacking,
            data: data.lacking,
            backgroundColor: "rgba(220, 53, 69, 0.75)"
          },
          {
            label: canvas.dataset.labelCovered,
            data: data.covered,
            backgroundColor: "rgba(25, 135, 84, 0.55)"
          }
        ]
      },
      options: {
        indexAxis: "y",
        responsive: true,
        aspectRatio: narrow ? 0.9 : 2.4,
        locale: persian ? "fa-IR" : "en-US",
        scales: {
          x: {
            stacked: true,
            beginAtZero: true,
            max: data.provinces,
            // Bars grow from the right in a right-to-left page.
            reverse: rtl,
            ticks: {
              precision: 0,
              callback: function (value) {
                return format(value);
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
                return context.dataset.label + ": " + format(context.parsed.x);
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
