// A street day's page forms never lose work (RE-08, docs/adr/0032): log an encounter, register a
// child, add a note, record a follow-up's outcome. Each is sent by fetch with a timeout and a
// phone-made id (`client_id`, the outbox's idempotency key, children/sync/once.py). A real answer
// is shown as the browser would show it (the page it redirects to, or the form with its errors).
// No answer (a connection the phone believes in but that carries nothing, or no connection at
// all): the form goes into the phone's outbox under the same id, encrypted like the offline
// app's own items, and is sent when the connection returns. Without a PIN on this phone the form
// stays filled with "try again" beside it. Without JavaScript the form posts as it always did.
"use strict";
(function () {
  const box = document.getElementById("outbox-status");
  const store = window.koodakStore;
  if (!box || !store || !window.fetch || !window.crypto || !crypto.randomUUID) return;
  const status = () => window.koodakStatus;
  const TIMEOUT = Number(box.dataset.timeoutSeconds || "10") * 1000;

  function idField(form) {
    let input = form.querySelector("input[name=client_id]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "client_id";
      form.appendChild(input);
    }
    // One id for one filling of the form: "try again" and the outbox reuse it, so a post that
    // arrived but whose answer was lost is never made twice.
    if (!input.value) input.value = crypto.randomUUID();
    return input;
  }

  function notice(form, kind, message, extra) {
    let note = form.querySelector("[data-outbox-notice]");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("data-outbox-notice", "");
      note.setAttribute("role", "alert");
      note.setAttribute("data-testid", "outbox-notice");
      form.prepend(note);
    }
    note.className = "alert py-2 alert-" + kind;
    note.dataset.kind = kind;
    note.replaceChildren(document.createTextNode(message));
    if (extra) note.append(" ", extra);
    note.scrollIntoView({ block: "nearest" });
    return note;
  }

  function tryAgain(form) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-primary mt-2 d-block";
    button.setAttribute("data-testid", "outbox-try-again");
    button.textContent = box.dataset.tryAgain;
    button.addEventListener("click", () => form.requestSubmit());
    return button;
  }

  function appLink() {
    const link = document.createElement("a");
    link.href = box.dataset.appUrl;
    link.className = "alert-link";
    link.setAttribute("data-testid", "outbox-app-link");
    link.textContent = box.dataset.appLink;
    return link;
  }

  // The answer replaces the page, as a normal post's would: the page it was redirected to (with
  // its message), or the form with its errors beside the fields.
  async function showAnswer(response) {
    const html = await response.text();
    if (response.redirected) history.pushState(null, "", response.url);
    document.open();
    document.write(html);
    document.close();
  }

  // No answer: keep the form in the outbox, or, without a PIN, keep it on the page.
  async function keep(form, id) {
    const unlocked = (await store.hasPin()) && (await status().unlock(box.dataset.keepTitle, box.dataset.keep));
    if (!unlocked) {
      const reason = (await store.hasPin()) ? box.dataset.notKept : box.dataset.noPin;
      notice(form, "danger", reason, tryAgain(form));
      return;
    }
    const data = store.formData(form);
    if (form.dataset.followup) data.followup = form.dataset.followup;
    await store.queue({
      client_id: id.value,
      kind: form.dataset.offlineKind,
      case: form.dataset.case ? Number(form.dataset.case) : null,
      base_version: null,
      data,
      made_at: new Date().toISOString(),
    });
    // The work is in the outbox: the form is emptied for the next child, under a new id.
    form.reset();
    id.value = "";
    await status().refresh();
    notice(form, "success", box.dataset.queued, appLink());
    window.koodakOutbox.requestBackgroundSync();
    status().showSendNow();
  }

  async function submit(form, submitter) {
    const id = idField(form);
    if (!navigator.onLine) return keep(form, id);
    const body = new FormData(form, submitter);
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), TIMEOUT);
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body, credentials: "same-origin", signal: controller.signal });
    } catch (error) {
      return keep(form, id);
    } finally {
      window.clearTimeout(timer);
    }
    // Signed out meanwhile (the session's limit): the server wrote nothing; keep the work.
    if (response.redirected && new URL(response.url).pathname === box.dataset.loginUrl) return keep(form, id);
    try {
      await showAnswer(response);
    } catch (error) {
      // The answer broke off halfway: whether it arrived or not, the same id cannot make it twice.
      return keep(form, id);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-offline-kind]")) return;
    event.preventDefault();
    if (form.dataset.sending) return;
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    submit(form, event.submitter).finally(() => {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    });
  });
})();
