// On every page of a caseworker: the service worker, how many items wait in the phone's outbox
// and when the last sync was, and the wipe at sign-out (RE-08).
"use strict";
(function () {
  const box = document.getElementById("outbox-status");
  const store = window.koodakStore;
  if (!store) return;
  const count = () => Number((box && box.dataset.count) || "0");

  if (box && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).then(() => navigator.serviceWorker.ready)
      .then((registration) => registration.active && registration.active.postMessage("cache-shell"))
      .catch(() => {});
  }

  const digits = (value) => new Intl.NumberFormat(document.documentElement.lang === "fa" ? "fa-IR" : "en-GB").format(value);
  const when = (iso) => new Intl.DateTimeFormat(document.documentElement.lang === "fa" ? "fa-IR-u-ca-persian" : "en-GB", { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));

  async function refresh() {
    try {
      const waiting = await store.waitingCount();
      const last = await store.lastSync();
      box.querySelector("[data-waiting]").textContent = digits(waiting);
      box.querySelector("[data-last-sync]").textContent = last ? when(last) : box.dataset.never;
      box.classList.toggle("text-bg-warning", waiting > 0);
      box.dataset.count = String(waiting);
    } catch (error) { /* storage unavailable (private mode): nothing to show */ }
  }
  if (box) {
    window.koodakStatus = { refresh };
    refresh();
    window.addEventListener("online", refresh);
  }

  // Sign-out wipes the phone's copy before the server forgets the session. Unsent items are
  // named first: the caseworker may stay signed in and send them.
  document.querySelectorAll("form[data-signout]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.wiped) return;
      event.preventDefault();
      const waiting = count();
      if (waiting > 0 && !window.confirm(box.dataset.unsent.replace("%(n)s", digits(waiting)))) return;
      await store.wipe();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("wipe");
      form.dataset.wiped = "1";
      form.submit();
    });
  });
})();
