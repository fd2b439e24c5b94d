// Charts for dashboards and report pages, drawn with Chart.js from a spec the server writes.
//
//   <canvas data-chart="spec-id" role="img" aria-label="…"></canvas>
//   {{ spec|json_script:"spec-id" }}
//
// spec = {type: "bar" | "line", labels: [...], datasets: [{label, data, colour?, marks?}],
//         stacked?: bool, horizontal?: bool, max?: number, notes?: {mark: text}}
// (built by core/charts.py). A null in data with nothing in marks is a gap. A suppressed count
// ("<5") is drawn as a hatched bar up to 4, the most it can be, labelled "<5" and explained in
// the tooltip: never an empty bar that reads as zero. Any other mark ("*", a figure hidden so
// that a total cannot give a small one away) can be of any size, so it gets no bar, only its
// label where the bar would start. The table beside the chart carries the same numbers and
// marks. Every number is written by static/js/numbers.js.
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
  // A suppressed count stands at the largest value it can have; other marks get no bar.
  var SUPPRESSED = "<5";
  var SUPPRESSED_HEIGHT = 4;
  var charts = [];

  function format(value) {
    return window.koodakNumbers.format(value);
  }

  function opaque(colour) {
    return colour.replace(/[\d.]+\)$/, "1)");
  }

  // Diagonal stripes in the dataset's colour on white: the same hue as its measured bars, but
  // plainly not a solid (measured) bar.
  function hatch(colour) {
    var tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = opaque(colour);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, 8);
    ctx.lineTo(8, 0);
    ctx.moveTo(-2, 2);
    ctx.lineTo(2, -2);
    ctx.moveTo(6, 10);
    ctx.lineTo(10, 6);
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  function markAt(dataset, index) {
    return dataset.marks ? dataset.marks[index] || null : null;
  }

  function barred(dataset, index) {
    return markAt(dataset, index) === SUPPRESSED;
  }

  // Where a mark without a bar is written: past the end of the category's stack when the chart
  // is stacked (other figures may stand there), else where its own bar would start.
  function unbarredAnchor(chart, datasetIndex, index, horizontal) {
    var element = chart.getDatasetMeta(datasetIndex).data[index];
    var valueScale = horizontal ? chart.scales.x : chart.scales.y;
    var end = valueScale.getPixelForValue(0);
    if (chart.options.scales[horizontal ? "x" : "y"].stacked) {
      chart.data.datasets.forEach(function (_dataset, other) {
        var meta = chart.getDatasetMeta(other);
        var bar = meta.data[index];
        var head = bar && (horizontal ? bar.x : bar.y);
        if (meta.hidden || typeof head !== "number" || !isFinite(head)) {
          return;
        }
        var further = horizontal ? (valueScale.options.reverse ? head < end : head > end) : head < end;
        end = further ? head : end;
      });
    }
    return horizontal ? { x: end, y: element.y } : { x: element.x, y: end };
  }

  // Writes each mark beside its hatched bar (or above its point), in the page's digits.
  var markLabels = {
    id: "koodakMarks",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      var rtl = document.documentElement.dir === "rtl";
      ctx.save();
      ctx.font = "bold 11px " + window.Chart.defaults.font.family;
      ctx.fillStyle = "#212529";
      ctx.direction = "ltr";
      var stacked = chart.options.scales[horizontal ? "x" : "y"].stacked;
      var piled = {}; // labels already written for a category of a stacked chart
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        if (!dataset.koodakMarks || meta.hidden) {
          return;
        }
        meta.data.forEach(function (bar, index) {
          var mark = dataset.koodakMarks[index];
          if (!mark) {
            return;
          }
          var element =
            mark === SUPPRESSED ? bar : unbarredAnchor(chart, datasetIndex, index, horizontal);
          var text = format(mark);
          // In a stacked chart, a second label of the same category moves out of the first's way.
          var shift = 0;
          if (stacked) {
            shift = piled[index] || 0;
            piled[index] = shift + (horizontal ? ctx.measureText(text).width + 6 : 14);
          }
          if (horizontal) {
            // Past the end of the bar, on the side the bar grows towards.
            ctx.textBaseline = "middle";
            ctx.textAlign = rtl ? "right" : "left";
            ctx.fillText(text, element.x + (rtl ? -4 - shift : 4 + shift), element.y);
          } else {
            ctx.textBaseline = "bottom";
            ctx.textAlign = "center";
            ctx.fillText(text, element.x, element.y - 3 - shift);
          }
        });
      });
      ctx.restore();
    }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var notes = spec.notes || {};
    var rtl = document.documentElement.dir === "rtl";
    var persian = document.documentElement.lang === "fa";
    window.Chart.defaults.font.family = persian
      ? "'Vazirmatn FD', 'Vazirmatn', sans-serif"
      : "'Vazirmatn', system-ui, sans-serif";
    var horizontal = Boolean(spec.horizontal);
    var line = spec.type === "line";
    // On a phone a wide, short plot leaves no room for labels: make it taller.
    var narrow = window.matchMedia("(max-width: 575.98px)").matches;

    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = dataset.colour || PALETTE[index % PALETTE.length];
      var marked = Boolean(dataset.marks);
      var pattern = marked ? hatch(colour) : null;
      var data = dataset.data.map(function (value, i) {
        return barred(dataset, i) ? SUPPRESSED_HEIGHT : value;
      });
      function perPoint(solid, forMark) {
        if (!marked) {
          return solid;
        }
        return data.map(function (_value, i) {
          return barred(dataset, i) ? forMark : solid;
        });
      }
      return {
        label: dataset.label,
        data: data,
        koodakMarks: dataset.marks || null,
        backgroundColor: perPoint(colour, pattern),
        borderColor: line ? opaque(colour) : perPoint(colour, opaque(colour)),
        borderWidth: line ? 2 : perPoint(0, 1),
        pointStyle: line ? perPoint("circle", "rectRot") : undefined,
        pointRadius: line ? perPoint(3, 6) : undefined,
        // A line into or out of a withheld figure is dashed: its height there is not a count.
        segment: line
          ? {
              borderDash: function (context) {
                return barred(dataset, context.p0DataIndex) || barred(dataset, context.p1DataIndex)
                  ? [4, 4]
                  : undefined;
              }
            }
          : undefined,
        spanGaps: false,
        cubicInterpolationMode: "monotone"
      };
    });

    // The value axis and the category axis; in a right-to-left page the categories run from the
    // right (vertical bars, lines) and horizontal bars grow from the right.
    var valueAxis = {
      beginAtZero: true,
      max: spec.max,
      // Room past the longest bar for its label.
      grace: "8%",
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

    var chart = new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      plugins: [markLabels],
      options: {
        indexAxis: horizontal ? "y" : "x",
        // Bars that grow into place are a distraction to some readers: they may ask for none.
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : {},
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: horizontal ? horizontalRatio(canvas, spec.labels.length, narrow) : narrow ? 1.1 : 2,
        locale: persian ? "fa-IR" : "en-US",
        layout: { padding: horizontal ? { left: 28, right: 28 } : { top: 30 } },
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
                var mark = markAt(spec.datasets[context.datasetIndex], context.dataIndex);
                if (mark) {
                  var note = notes[mark];
                  return context.dataset.label + ": " + format(mark) + (note ? " (" + note + ")" : "");
                }
                var value = horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + ": " + format(value);
              }
            }
          }
        }
      }
    });
    charts.push(chart);
  }

  // Horizontal bars: a shape that narrows as the rows grow, and never less than a readable row
  // height, so that a large organisation's hundred caseworkers do not write over each other.
  var ROW_PX = 20;
  var AXES_PX = 80;
  function horizontalRatio(canvas, rows, narrow) {
    var ratio = Math.max(narrow ? 0.7 : 1.1, (narrow ? 1.6 : 2.6) - rows * 0.12);
    var width = canvas.parentNode.clientWidth;
    return width ? Math.min(ratio, width / (rows * ROW_PX + AXES_PX)) : ratio;
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  // For tests and for anyone reading the page's figures: the charts drawn, and how they write numbers.
  window.koodakCharts = { charts: charts, format: format };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
