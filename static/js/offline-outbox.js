// Sending the phone's outbox (RE-08, docs/adr/0033): the offline app and every signed-in page
// use this one sender, so an item kept from a page's form is sent the same way, under the same
// phone-made id, as one made in the app. It needs the store unlocked: the items are encrypted
// with the PIN's key, which only a page that was given the PIN holds (docs/adr/0032).
"use strict";
(function () {
  const store = window.koodakStore;
  if (!store) return;
  const BATCH = 50;
  let running = null;

  async function freshToken(shellUrl) {
    // A cached page may carry last session's token; the page itself is the source.
    const response = await fetch(shellUrl, { credentials: "same-origin", cache: "no-store" });
    if (response.redirected || !response.ok) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const input = page.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  // What became of a try: "nothing" (no item waits, or locked, or offline), "sent", "signed_out"
  // (the server no longer knows this caseworker) or "failed" (the connection dropped again;
  // every item stays for the next try). `attention`: items the server answered with a conflict,
  // a refusal or a likely duplicate, waiting for the caseworker in the app.
  async function sendOnce(urls) {
    if (!navigator.onLine || !store.isUnlocked()) return { status: "nothing" };
    try {
      const waiting = (await store.items()).filter((i) => i._state === "waiting");
      if (!waiting.length) return { status: "nothing" };
      const token = await freshToken(urls.shellUrl);
      if (!token) return { status: "signed_out" };
      for (let start = 0; start < waiting.length; start += BATCH) {
        const batch = waiting.slice(start, start + BATCH).map(({ _state, answer, ...item }) => item);
        const response = await fetch(urls.syncUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
          body: JSON.stringify({ items: batch }),
        });
        if (response.redirected || response.status === 401 || response.status === 403) return { status: "signed_out" };
        if (!response.ok) return { status: "failed" };
        const answer = await response.json();
        for (const result of answer.results) {
          const item = batch.find((i) => i.client_id === result.client_id);
          if (!item) continue;
          if (result.status === "created" || result.status === "already_received") await store.remove(item.client_id);
          else { item.answer = result; await store.queue(item, result.status); }
        }
        await store.setLastSync(answer.synced_at);
      }
      const attention = (await store.items()).filter((i) => i._state !== "waiting").length;
      return { status: "sent", attention };
    } catch (error) {
      console.warn("outbox not sent", error);
      return { status: "failed" };
    }
  }

  // One send at a time on a page: a second call while one runs gets the same answer.
  function send(urls) {
    if (!running) running = sendOnce(urls).finally(() => { running = null; });
    return running;
  }

  // Ask the service worker for Background Sync, where the browser has it: it wakes an open page
  // when the connection returns (the worker itself holds no key, docs/adr/0032).
  function requestBackgroundSync() {
    if (navigator.serviceWorker && window.SyncManager) {
      navigator.serviceWorker.ready.then((reg) => reg.sync.register("outbox")).catch(() => {});
    }
  }

  window.koodakOutbox = { send, requestBackgroundSync };
})();
