// The offline app's shell (RE-08): My work, log an encounter, register a child, a case's
// summary with a note, a follow-up's outcome and a name correction, all from the phone's
// encrypted copy; work done goes into the outbox and is sent once when the connection returns.
"use strict";
(function () {
  const store = window.koodakStore;
  const root = document.getElementById("offline-app");
  if (!root || !store) return;
  const text = JSON.parse(document.getElementById("offline-text").textContent);
  let bundle = null;

  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
  const el = (tag, attrs, children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    (children || []).forEach((c) => node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  };
  const show = (id) => $$("[data-view]", root).forEach((v) => (v.hidden = v.dataset.view !== id));
  const say = (message, kind) => {
    const box = $("#offline-message");
    box.className = "alert py-2 alert-" + (kind || "success");
    box.textContent = message;
    box.hidden = !message;
  };
  const refreshStatus = () => window.koodakStatus && window.koodakStatus.refresh();

  // Which screen: the address the caseworker opened (the shell stands in for those pages
  // offline), or the app's own hash.
  function route() {
    const hash = location.hash.replace(/^#/, "");
    const path = location.pathname;
    let match;
    if (hash) return hash;
    if (path === "/outreach/new/") return "encounter";
    if (path === "/cases/register/") return "register";
    if ((match = path.match(/^\/cases\/(\d+)\//))) return "case/" + match[1];
    return "work";
  }

  function render() {
    const where = route();
    say("");
    if (where.startsWith("case/")) return renderCase(where.split("/")[1]);
    if (where === "encounter" || where === "register") { stampNow(); return show(where); }
    if (where === "attention") return renderAttention();
    return renderWork();
  }

  function renderWork() {
    const list = $("#offline-cases");
    list.replaceChildren();
    const cases = (bundle && bundle.cases) || [];
    $("#offline-no-cases").hidden = cases.length > 0;
    cases.forEach((c) => {
      const due = c.next_followup ? " · " + text.next_followup + " " + formatDate(c.next_followup.due_on) : "";
      list.appendChild(el("li", { class: "list-group-item" }, [
        el("a", { href: "#case/" + c.id, "data-testid": "offline-case" }, [el("bdi", { text: c.given_name + " " + c.family_name })]),
        el("div", { class: "small text-body-secondary" }, [el("span", { dir: "ltr", text: c.case_number }), due]),
      ]));
    });
    show("work");
  }

  // The shell was cached on some earlier day: the date and time fields get today's, on the
  // server's calendar day (Tehran), as the page would have filled them.
  function stampNow() {
    const now = new Date();
    const zone = "Asia/Tehran";
    let today;
    if (document.documentElement.lang === "fa") {
      const parts = Object.fromEntries(new Intl.DateTimeFormat("fa-IR-u-ca-persian", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(now).map((p) => [p.type, p.value]));
      today = parts.year + "/" + parts.month + "/" + parts.day;
    } else {
      today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(now);
    }
    const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false }).format(now);
    $$("form[data-kind] input[name=date], form[data-kind] input[name=consent_given_on]", root).forEach((input) => (input.value = today));
    $$("form[data-kind] input[name=time]", root).forEach((input) => (input.value = time));
  }

  function findCase(id) {
    return ((bundle && bundle.cases) || []).find((c) => String(c.id) === String(id));
  }

  function renderCase(id) {
    const c = findCase(id);
    if (!c) { show("work"); say(text.case_not_kept, "warning"); return; }
    const rows = [
      [text.case_number, c.case_number], [text.father_name, c.father_name], [text.age, c.age === null ? "" : String(c.age)],
      [text.sex, label("sex", c.sex)], [text.hotspot, c.hotspot],
      [text.next_followup, c.next_followup ? formatDate(c.next_followup.due_on) : "—"],
    ];
    $("#offline-case-name").textContent = c.given_name + " " + c.family_name;
    const dl = $("#offline-case-facts");
    dl.replaceChildren();
    rows.forEach(([k, v]) => { dl.appendChild(el("dt", { class: "col-5", text: k })); dl.appendChild(el("dd", { class: "col-7 mb-1" }, [el("bdi", { text: v || "—" })])); });
    $$("form[data-kind]", $("[data-view=case]")).forEach((form) => { form.dataset.case = c.id; form.dataset.version = c.version; });
    $("#offline-outcome-card").hidden = !c.next_followup;
    if (c.next_followup) $("#offline-outcome-form").dataset.followup = c.next_followup.id;
    const names = $("#offline-names-form");
    ["given_name", "family_name", "father_name"].forEach((n) => (names.elements[n].value = c[n] || ""));
    show("case");
  }

  function label(list, value) {
    const found = ((bundle && bundle.reference[list]) || []).find((x) => x.value === value);
    return found ? found.label : value;
  }

  function formatDate(iso) {
    const calendar = document.documentElement.lang === "fa" ? "fa-IR-u-ca-persian" : "en-GB";
    return new Intl.DateTimeFormat(calendar, { dateStyle: "medium" }).format(new Date(iso + "T12:00:00"));
  }

  const formData = store.formData;

  async function submitForm(event) {
    event.preventDefault();
    const form = event.target;
    const kind = form.dataset.kind;
    const data = formData(form);
    if (kind === "followup_outcome") data.followup = form.dataset.followup;
    if (kind === "section_update") {
      // Only what the caseworker changed: a field left as it was cannot conflict with anyone.
      const kept = findCase(form.dataset.case) || {};
      Object.keys(data).forEach((name) => kept[name] === data[name] && delete data[name]);
      if (!Object.keys(data).length) { say(text.nothing_changed, "info"); return; }
      data.section = "identity";
    }
    const item = {
      client_id: form.dataset.clientId || crypto.randomUUID(),
      kind,
      case: form.dataset.case ? Number(form.dataset.case) : null,
      base_version: form.dataset.version ? Number(form.dataset.version) : null,
      data,
      made_at: new Date().toISOString(),
    };
    await store.queue(item);
    delete form.dataset.clientId;
    $$(".offline-error", form).forEach((e) => e.remove());
    form.reset();
    stampNow();
    await refreshStatus();
    say(text.queued);
    requestSync();
    sync();
  }

  const requestSync = () => window.koodakOutbox.requestBackgroundSync();

  async function signedOut() {
    // The server no longer knows this caseworker (signed out, session over, account
    // deactivated): the copy of the cases goes now; unsent work stays, encrypted.
    await store.dropBundle();
    bundle = null;
    say(text.signed_out, "warning");
  }

  async function loadBundle() {
    const response = await fetch(root.dataset.bundleUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.redirected || response.status === 401 || response.status === 403) return signedOut();
    if (!response.ok) return;
    bundle = await response.json();
    await store.saveBundle(bundle);
  }

  // The outbox goes through the one sender every page uses (static/js/offline-outbox.js).
  async function sync() {
    try {
      const result = await window.koodakOutbox.send({ syncUrl: root.dataset.syncUrl, shellUrl: root.dataset.shellUrl });
      if (result.status === "signed_out") return signedOut();
      if (result.status !== "sent") return;
      try { await loadBundle(); } catch (error) { /* the connection dropped again */ }
      say(result.attention ? text.needs_attention : text.synced, result.attention ? "warning" : "success");
      $("#offline-attention-link").hidden = !result.attention;
    } finally {
      await refreshStatus();
    }
  }

  async function renderAttention() {
    const list = $("#offline-attention");
    list.replaceChildren();
    const items = (await store.items()).filter((i) => i._state !== "waiting");
    items.forEach((item) => list.appendChild(attentionCard(item)));
    $("#offline-attention-empty").hidden = items.length > 0;
    show("attention");
  }

  function attentionCard(item) {
    const result = item.answer || {};
    const card = el("div", { class: "card mb-2", "data-testid": "attention-" + result.status });
    const body = el("div", { class: "card-body py-2" });
    card.appendChild(body);
    body.appendChild(el("h2", { class: "h6", text: text["kind_" + item.kind] + " · " + text["status_" + result.status] }));
    const again = async (change) => { change(item); delete item.answer; await store.queue(item, "waiting"); await refreshStatus(); await sync(); renderAttention(); };
    const drop = async () => { await store.remove(item.client_id); await refreshStatus(); renderAttention(); };
    if (result.status === "conflict") {
      const table = el("table", { class: "table table-sm" }, [el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: text.field }), el("th", { scope: "col", text: text.saved }), el("th", { scope: "col", text: text.yours })])])]);
      const tbody = el("tbody");
      (result.conflict || []).forEach((d) => tbody.appendChild(el("tr", {}, [el("th", { scope: "row", text: d.label }), el("td", {}, [el("bdi", { text: d.saved })]), el("td", {}, [el("bdi", { text: d.yours })])])));
      table.appendChild(tbody);
      body.appendChild(el("div", { class: "table-responsive" }, [table]));
      const keep = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary me-2", text: text.keep_saved });
      keep.addEventListener("click", drop);
      body.appendChild(keep);
      if (result.current_version) {
        const mine = el("button", { type: "button", class: "btn btn-sm btn-primary", text: text.use_mine });
        mine.addEventListener("click", () => again((i) => { i.base_version = result.current_version; }));
        body.appendChild(mine);
      }
    } else if (result.status === "needs_decision") {
      const d = result.duplicates || {};
      const ul = el("ul", { class: "small" });
      (d.own || []).forEach((c) => ul.appendChild(el("li", {}, [el("bdi", { text: c.name + " · " + c.father_name }), " ", el("span", { dir: "ltr", text: c.case_number })])));
      (d.elsewhere || []).forEach((name) => ul.appendChild(el("li", {}, [text.elsewhere + " ", el("bdi", { text: name })])));
      body.appendChild(el("p", { class: "small mb-1", text: text.likely_duplicate }));
      body.appendChild(ul);
      const different = el("button", { type: "button", class: "btn btn-sm btn-primary me-2", text: text.different_child });
      different.addEventListener("click", () => again((i) => { i.data.confirm_not_duplicate = "on"; }));
      const same = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary", text: text.same_child });
      same.addEventListener("click", drop);
      body.append(different, same);
    } else {
      const edit = el("button", { type: "button", class: "btn btn-sm btn-primary", text: text.correct });
      edit.addEventListener("click", () => editRefused(item));
      const errors = el("ul", { class: "small text-danger" });
      Object.entries(result.errors || {}).forEach(([f, m]) => errors.appendChild(el("li", { text: m.join(" ") })));
      body.append(errors, edit);
    }
    return card;
  }

  // A refused item goes back into its form with each error beside its field.
  async function editRefused(item) {
    const form = $(`form[data-kind="${item.kind}"]`);
    const view = form.closest("[data-view]").dataset.view;
    if (view === "case") renderCase(item.case); else show(view);
    form.reset();
    $$(".offline-error", form).forEach((e) => e.remove());
    Object.entries(item.data).forEach(([name, value]) => {
      const values = [].concat(value);
      $$(`[name="${name}"]`, form).forEach((input) => {
        if (input.type === "checkbox" || input.type === "radio") input.checked = values.includes(input.value);
        else input.value = values[0];
      });
    });
    Object.entries((item.answer && item.answer.errors) || {}).forEach(([name, messages]) => {
      const input = $(`[name="${name}"]`, form);
      const place = input ? input.closest(".mb-2, fieldset, .form-check") || input : form.firstElementChild;
      const error = el("div", { class: "invalid-feedback d-block offline-error", text: messages.join(" ") });
      place.appendChild(error);
    });
    form.dataset.clientId = item.client_id;
    await store.remove(item.client_id);
    await refreshStatus();
  }

  // The session's absolute limit (SE-02) holds on the phone too: past it the kept cases go,
  // checked on opening and every minute while the app stays open.
  async function enforceLimit() {
    if (!(await store.dropBundleIfExpired())) return false;
    bundle = null;
    return true;
  }

  async function unlocked() {
    $("#offline-lock").hidden = true;
    $("#offline-body").hidden = false;
    await enforceLimit();
    window.setInterval(async () => { if (await enforceLimit()) { render(); say(text.signed_out, "warning"); } }, 60000);
    bundle = await store.bundle();
    if (navigator.onLine) { try { await loadBundle(); } catch (error) { /* offline after all */ } }
    render();
    await sync();
  }

  $("#offline-pin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    // Persian and Arabic digits are the same PIN as Latin ones, whatever keyboard the phone has.
    const pin = event.target.elements.pin.value.trim()
      .replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)))
      .replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
    const error = $("#offline-pin-error");
    if (!/^\d{6,}$/.test(pin)) { error.hidden = false; return; }
    error.hidden = true;
    if (await store.hasPin()) {
      if (!(await store.unlock(pin))) { error.hidden = false; return; }
    } else {
      await store.setPin(pin);
    }
    event.target.reset();
    await unlocked();
  });

  (async () => {
    const first = !(await store.hasPin());
    $("#offline-pin-new").hidden = !first;
    $("#offline-pin-again").hidden = first;
  })();

  $$("form[data-kind]", root).forEach((form) => form.addEventListener("submit", submitForm));
  window.addEventListener("hashchange", () => store.isUnlocked() && render());
  window.addEventListener("online", sync);
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener("message", (e) => e.data === "sync-outbox" && sync());
  window.koodakOffline = { sync };
})();
