// The profile form: the details of a service (capacity, ages, ...) show only while the service
// is ticked as offered, so the list of eight services stays short. Without this script every
// field is simply shown.
(function () {
  "use strict";

  function setUp() {
    document.querySelectorAll("fieldset[data-testid^='service-']").forEach(function (fieldset) {
      var toggle = fieldset.querySelector("input[type=checkbox][name$='-offered']");
      var details = fieldset.querySelector("[data-service-details]");
      if (!toggle || !details) {
        return;
      }
      function update() {
        var show = toggle.checked || details.hasAttribute("data-has-errors");
        details.classList.toggle("d-none", !show);
      }
      toggle.addEventListener("change", function () {
        details.removeAttribute("data-has-errors");
        update();
      });
      update();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
