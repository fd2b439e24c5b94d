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

  // A page's form saved with no connection goes into the outbox instead of being lost: the
  // caseworker types the PIN in a small dialog, and the item is encrypted like the app's own.
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
      '<div class="invalid-feedback d-block mb-2" hidden data-error></div>' +
      '<div class="d-flex gap-2"><button value="ok" class="btn btn-primary" data-testid="outbox-pin-ok"></button>' +
      '<button value="cancel" class="btn btn-outline-secondary"></button></div></form>';
    dialog.querySelector("p").textContent = box.dataset.offlineTitle;
    dialog.querySelector("label").textContent = box.dataset.pinLabel;
    const [ok, cancel] = dialog.querySelectorAll("button");
    ok.textContent = box.dataset.save;
    cancel.textContent = box.dataset.cancel;
    document.body.appendChild(dialog);
    return dialog;
  }

  function askPin() {
    const dialog = pinDialog();
    const input = dialog.querySelector("input");
    input.value = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok" ? input.value : null), { once: true });
      dialog.showModal();
    });
  }

  function toLatin(digits) {
    return digits.trim().replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
  }

  function notice(form, message, kind) {
    let note = form.querySelector("[data-outbox-notice]");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("data-outbox-notice", "");
      note.setAttribute("role", "status");
      note.setAttribute("data-testid", "outbox-notice");
      form.prepend(note);
    }
    note.className = "alert py-2 alert-" + kind;
    note.textContent = message;
  }

  if (box) {
    document.querySelectorAll("form[data-offline-kind]").forEach((form) => {
      form.addEventListener("submit", async (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        if (!(await store.hasPin())) { notice(form, box.dataset.noPin, "warning"); return; }
        while (!store.isUnlocked()) {
          const pin = await askPin();
          if (pin === null) return;
          if (!(await store.unlock(toLatin(pin)))) pinDialog().querySelector("[data-error]").hidden = false;
        }
        const item = {
          client_id: crypto.randomUUID(),
          kind: form.dataset.offlineKind,
          case: form.dataset.case ? Number(form.dataset.case) : null,
          base_version: null,
          data: store.formData(form),
          made_at: new Date().toISOString(),
        };
        await store.queue(item);
        await refresh();
        notice(form, box.dataset.queued, "success");
        if (navigator.serviceWorker && window.SyncManager) {
          navigator.serviceWorker.ready.then((reg) => reg.sync.register("outbox")).catch(() => {});
        }
      });
    });
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
