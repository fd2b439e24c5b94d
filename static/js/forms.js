// Forms on every page: after a failed save the error summary (or the duplicate warning) takes the
// focus, its links put the cursor in the field they name, and date inputs get a calendar button;
// an htmx answer refused for too many requests is shown in place.
// Everything here is an addition: without it the page still works and dates are typed.
(function () {
  var script = document.currentScript;

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    // The field's label and the field together, in the middle of a phone's short screen.
    var block = field.closest(".mb-2, .mb-3, fieldset") || field;
    block.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }

  function setUpErrorSummary() {
    var first = document.querySelector("[data-focus-on-load]");
    if (first) first.focus();
    document.querySelectorAll("[data-testid=error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
          event.preventDefault();
        }
      });
    });
  }

  var CALENDAR_ICON =
    '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 16 16" ' +
    'fill="currentColor" aria-hidden="true" focusable="false"><path d="M3.5 0a.5.5 0 0 1 .5.5V1h8V.5' +
    "a.5.5 0 0 1 1 0V1h1a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2h1V.5a.5.5 0 0 " +
    '1 .5-.5M1 4v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V4z"/><path d="M4 7h2v2H4zm3 0h2v2H7zm3 0h2v2h-2zM4 ' +
    '10h2v2H4zm3 0h2v2H7z"/></svg>';

  function addButton(input, onClick, hidden) {
    var group = document.createElement("div");
    group.className = "input-group date-input";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    if (hidden) group.appendChild(hidden);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary date-picker-button";
    button.setAttribute("aria-label", input.dataset.datePickerLabel || "");
    button.title = input.dataset.datePickerLabel || "";
    button.innerHTML = CALENDAR_ICON;
    button.addEventListener("click", function (event) {
      event.stopPropagation(); // the picker closes on a click outside it
      onClick();
    });
    group.appendChild(button);
    return button;
  }

  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Persian: the vendored Jalali calendar, loaded only on pages that have a date input.
  function loadJalaliPicker(done) {
    if (window.jalaliDatepicker) return done();
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.dataset.datePickerCss;
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = script.dataset.datePickerJs;
    js.onload = done;
    document.head.appendChild(js);
  }

  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";

  function latinDigits(text) {
    return text.replace(/[۰-۹٠-٩]/g, function (digit) {
      var index = PERSIAN.indexOf(digit);
      return String(index >= 0 ? index : ARABIC.indexOf(digit));
    });
  }

  function persianDigits(text) {
    return text.replace(/[0-9]/g, function (digit) {
      return PERSIAN[Number(digit)];
    });
  }

  // A stand-in input the calendar reads and writes: the library reads only Latin digits, while
  // the visible input keeps the Persian digits the rest of the page shows.
  function standIn() {
    var proxy = document.createElement("input");
    proxy.type = "text";
    proxy.tabIndex = -1;
    proxy.className = "date-picker-native";
    proxy.setAttribute("aria-hidden", "true");
    return proxy;
  }

  // The calendar's year and month lists have no labels (axe: select-name); it redraws them on
  // every change of month, so they are labelled whenever they appear. The calendar opens only on
  // Persian pages, hence Persian words.
  function labelCalendarLists() {
    var container = document.querySelector("jdp-container");
    if (!container || container.dataset.labelled) return;
    container.dataset.labelled = "yes";
    var label = function () {
      var year = container.querySelector(".jdp-year select, .jdp-year input");
      var month = container.querySelector(".jdp-month select");
      if (year && !year.hasAttribute("aria-label")) year.setAttribute("aria-label", "سال");
      if (month && !month.hasAttribute("aria-label")) month.setAttribute("aria-label", "ماه");
    };
    new MutationObserver(label).observe(container, { childList: true, subtree: true });
    label();
  }

  function setUpJalali(inputs) {
    loadJalaliPicker(function () {
      window.jalaliDatepicker.startWatch({
        selector: "input.date-picker-jalali",
        autoShow: false, // a tap on the input types; the button opens the calendar
        autoReadOnlyInput: false,
        persianDigits: true,
        showCloseBtn: true,
        zIndex: 1060,
      });
      inputs.forEach(function (input) {
        var proxy = standIn();
        proxy.classList.add("date-picker-jalali");
        var button;
        proxy.addEventListener("jdp:change", function () {
          input.value = persianDigits(proxy.value);
          changed(input);
          // Back where the user was, without opening a phone's keypad on the input.
          if (button) button.focus({ preventScroll: true });
        });
        button = addButton(
          input,
          function () {
            var typed = latinDigits(input.value.trim()).replace(/-/g, "/");
            proxy.value = /^\d{4}\/\d{2}\/\d{2}$/.test(typed) ? typed : "";
            window.jalaliDatepicker.show(proxy);
            labelCalendarLists();
          },
          proxy
        );
      });
    });
  }

  // English: dates are Gregorian (ISO), so the phone's own date picker fills the text input.
  function setUpGregorian(inputs) {
    inputs.forEach(function (input) {
      var native = standIn();
      native.type = "date";
      native.addEventListener("change", function () {
        if (!native.value) return;
        input.value = native.value;
        changed(input);
      });
      addButton(
        input,
        function () {
          var typed = input.value.trim();
          native.value = /^\d{4}-\d{2}-\d{2}$/.test(typed) ? typed : "";
          if (native.showPicker) {
            try {
              native.showPicker();
              return;
            } catch (error) {
              // A browser that refuses the picker here still lets the date be typed.
            }
          }
          input.focus();
        },
        native
      );
    });
  }

  function setUpDatePickers() {
    var jalali = document.querySelectorAll("input[data-date-picker=jalali]");
    var gregorian = document.querySelectorAll("input[data-date-picker=gregorian]");
    if (jalali.length) setUpJalali(jalali);
    if (gregorian.length) setUpGregorian(gregorian);
  }

  // htmx 2 drops error answers; a 429 (RL-01) carries a short message saying when to try again,
  // so it is shown where the answer would have gone.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpErrorSummary();
    setUpDatePickers();
  });
})();

// A "Print" button (data-print), e.g. on the recovery codes page: inline handlers are refused by
// the Content Security Policy.
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
