// One way to write a number in the page's language, the twin of the `localdigits` template
// filter (core/templatetags/persian_dates.py): "۱٬۲۳۴٫۵" in Persian, "1,234.5" in English.
//
//   window.koodakNumbers.format(1234)        the page's language (<html lang>)
//   window.koodakNumbers.format("<5", "fa")  text: digits converted, never grouped
//
// Not Intl.NumberFormat: where the browser lacks Persian locale data it falls back to "1,234",
// which the Persian-digit font then draws as "۱,۲۳۴", and a Latin comma in Persian reads as the
// Persian comma "،" (two numbers instead of one).
(function () {
  "use strict";

  var PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  var GROUP = "\u066c"; // ٬ ARABIC THOUSANDS SEPARATOR, as CLDR writes Persian
  var DECIMAL = "\u066b"; // ٫ ARABIC DECIMAL SEPARATOR

  function persianDigits(text) {
    return text.replace(/[0-9]/g, function (digit) {
      return PERSIAN_DIGITS.charAt(Number(digit));
    });
  }

  function grouped(value) {
    // Plain positional notation: String() would give "1e+21" for very large numbers.
    var text = Math.abs(value).toLocaleString("en-US", {
      useGrouping: false,
      maximumFractionDigits: 20
    });
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (value < 0 ? "-" : "") + parts.join(".");
  }

  function format(value, lang) {
    if (value === null || value === undefined || value === "") {
      return "—";
    }
    var persian = (lang || document.documentElement.lang) === "fa";
    var text;
    if (typeof value === "number" && isFinite(value)) {
      text = grouped(value);
      if (persian) {
        text = text.replace(/,/g, "\0").replace(/\./g, DECIMAL).replace(/\0/g, GROUP);
      }
    } else {
      text = String(value);
    }
    return persian ? persianDigits(text) : text;
  }

  window.koodakNumbers = { format: format };
})();
