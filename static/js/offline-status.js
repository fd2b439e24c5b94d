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
  // The session's absolute limit holds on every signed-in page, not only in the app: past it the
  // kept cases go, on opening any page and every minute while one stays open (docs/adr/0032).
  if (box) {
    store.dropBundleIfExpired().catch(() => {});
    window.setInterval(() => store.dropBundleIfExpired().catch(() => {}), 60000);
  }

  let refreshed = Promise.resolve();
  if (box) {
    window.koodakStatus = { refresh };
    refreshed = refresh();
    window.addEventListener("online", refresh);
  }

  // The PIN, asked in a small dialog on any page: the outbox's items are encrypted with its key,
  // which lives only in the memory of a page that was given it (docs/adr/0032).
  function pinDialog() {
    let dialog = document.getElementById("outbox-pin-dialog");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.id = "outbox-pin-dialog";
    dialog.className = "border rounded p-3";
    dialog.setAttribute("aria-labelledby", "outbox-pin-title");
    dialog.innerHTML = '<form method="dialog"><p id="outbox-pin-title" class="mb-2"></p>' +
      '<label class="form-label" for="outbox-pin"></label>' +
      '<input id="outbox-pin" type="password" inputmode="numeric" autocomplete="off" class="form-control mb-2" data-testid="outbox-pin">' +
      '<div class="text-danger small mb-2" hidden data-error data-testid="outbox-pin-error"></div>' +
      '<div class="d-flex gap-2"><button value="ok" class="btn btn-primary" data-testid="outbox-pin-ok"></button>' +
      '<button value="cancel" class="btn btn-outline-secondary" data-testid="outbox-pin-cancel"></button></div></form>';
    dialog.querySelector("label").textContent = box.dataset.pinLabel;
    dialog.querySelector("[data-error]").textContent = box.dataset.pinWrong;
    dialog.querySelector("button[value=cancel]").textContent = box.dataset.cancel;
    document.body.appendChild(dialog);
    return dialog;
  }

  function askPin(title, ok) {
    const dialog = pinDialog();
    const input = dialog.querySelector("input");
    dialog.querySelector("p").textContent = title;
    dialog.querySelector("button[value=ok]").textContent = ok;
    input.value = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? input.value : null), { once: true });
      dialog.showModal();
    });
  }

  function toLatin(digits) {
    return digits.trim().replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
  }

  // Unlocks the store for this page, asking the PIN until it is right or the caseworker cancels.
  async function unlock(title, ok) {
    if (!(await store.hasPin())) return false;
    pinDialog().querySelector("[data-error]").hidden = true;
    while (!store.isUnlocked()) {
      const pin = await askPin(title, ok);
      if (pin === null) return false;
      if (!(await store.unlock(toLatin(pin)))) pinDialog().querySelector("[data-error]").hidden = false;
    }
    return true;
  }

  // Sending from any page (static/js/offline-outbox.js): when the connection returns, when
  // Background Sync wakes the page, and every few seconds while items wait, because a dead
  // connection the browser still believes in never fires "online" when it comes back.
  const outbox = window.koodakOutbox;
  const urls = box && { syncUrl: box.dataset.syncUrl, shellUrl: box.dataset.shellUrl };
  async function flush() {
    if (!outbox || !box || !store.isUnlocked()) return null;
    const result = await outbox.send(urls);
    await refresh();
    return result;
  }

  const sendNow = box && document.querySelector("[data-testid=outbox-send-now]");
  async function showSendNow() {
    // Items wait and this page has no key: one button asks the PIN and sends them.
    if (!sendNow) return;
    sendNow.hidden = !(count() > 0 && navigator.onLine && !store.isUnlocked() && (await store.hasPin()));
  }

  if (box && outbox) {
    const retry = Number(box.dataset.retrySeconds || "20") * 1000;
    window.addEventListener("online", () => { flush(); showSendNow(); });
    window.addEventListener("offline", showSendNow);
    if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", (e) => e.data === "sync-outbox" && flush());
    window.setInterval(() => { if (count() > 0) flush(); }, retry);
    if (sendNow) {
      sendNow.addEventListener("click", async () => {
        if (await unlock(box.dataset.sendTitle, box.dataset.send)) await flush();
        showSendNow();
      });
      refreshed.then(showSendNow);
    }
  }
  if (box) Object.assign(window.koodakStatus, { flush, unlock, showSendNow });

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
