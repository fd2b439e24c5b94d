// The encounter form: keep picked children when the search changes, and add the phone's location
// only when the caseworker asks for it (the browser asks the user's permission).
document.addEventListener("DOMContentLoaded", function () {
  var results = document.getElementById("pick-results");
  var picked = document.getElementById("picked");
  if (results && picked) {
    results.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox" || !box.checked) return;
      var already = picked.querySelector('input[value="' + box.value + '"]');
      var row = box.closest(".form-check");
      if (already) { row.remove(); return; }
      picked.appendChild(row);
    });
  }

  var button = document.getElementById("use-location");
  if (!button) return;
  var status = document.getElementById("location-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.failed; return; }
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        document.getElementById("id_latitude").value = position.coords.latitude.toFixed(5);
        document.getElementById("id_longitude").value = position.coords.longitude.toFixed(5);
        status.textContent = button.dataset.found;
      },
      function () { status.textContent = button.dataset.failed; },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });
});
