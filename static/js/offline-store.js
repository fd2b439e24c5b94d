// The phone's store for the offline app (RE-08, docs/adr/0032).
// IndexedDB holds only ciphertext: every record that names a child is AES-GCM encrypted with a
// key derived from the caseworker's PIN (PBKDF2, SHA-256). The key is made non-extractable and
// lives only in this page's memory; reloading asks for the PIN again. What is stored in clear is
// no one's data: the salt, a check value, how many items wait and when the last sync was.
"use strict";
(function () {
  const DB_NAME = "koodak-offline";
  // OWASP's figure for PBKDF2-HMAC-SHA-256 (2023). A store made before keeps the count it was
  // made with (its "iterations" record, or 310,000 when it has none).
  const ITERATIONS = 600000;
  const OLD_ITERATIONS = 310000;
  // Wrong PINs in a row after which the kept cases go (the outbox stays: it is the caseworker's
  // unsent work). Someone trying PINs on a picked-up phone gets ten tries at the cases.
  const MAX_WRONG_PINS = 10;
  const CHECK = "koodak-offline-check";
  let keyInMemory = null;

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("meta");
        db.createObjectStore("vault");
        db.createObjectStore("outbox", { keyPath: "id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(storeName, mode, work) {
    const db = await open();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(storeName, mode);
        const result = work(tx.objectStore(storeName));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const meta = {
    get: (key) => run("meta", "readonly", (s) => s.get(key)),
    set: (key, value) => run("meta", "readwrite", (s) => s.put(value, key)),
  };

  async function deriveKey(pin, salt, iterations) {
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", salt, iterations, hash: "SHA-256" },
      material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]
    );
  }

  async function seal(value) {
    if (!keyInMemory) throw new Error("locked");
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(JSON.stringify(value));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, keyInMemory, data);
    return { iv, ct: new Uint8Array(ct) };
  }

  async function unseal(box) {
    if (!keyInMemory) throw new Error("locked");
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv }, keyInMemory, box.ct);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  // A form's fields as the page would post them: several values of one name become a list.
  function formData(form) {
    const data = {};
    new FormData(form).forEach((value, name) => {
      // The token and the phone-made id travel beside the data, not in it.
      if (name === "csrfmiddlewaretoken" || name === "client_id") return;
      const field = form.querySelector(`[name="${name}"]`);
      const many = (field.type === "checkbox" && form.querySelectorAll(`[name="${name}"]`).length > 1) || field.multiple;
      if (name in data) data[name] = [].concat(data[name], value);
      else data[name] = many ? [value] : value;
    });
    return data;
  }

  const store = {
    formData,
    isUnlocked: () => keyInMemory !== null,
    hasPin: async () => Boolean(await meta.get("salt")),
    // First use: a new salt and a check value that tells a wrong PIN from a right one.
    async setPin(pin) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      keyInMemory = await deriveKey(pin, salt, ITERATIONS);
      await meta.set("iterations", ITERATIONS);
      await meta.set("salt", salt);
      await meta.set("check", await seal(CHECK));
    },
    async unlock(pin) {
      const salt = await meta.get("salt");
      keyInMemory = await deriveKey(pin, salt, (await meta.get("iterations")) || OLD_ITERATIONS);
      try {
        if ((await unseal(await meta.get("check"))) === CHECK) {
          await meta.set("wrongPins", 0);
          return true;
        }
      } catch (error) { /* a wrong PIN fails to decrypt */ }
      keyInMemory = null;
      const wrong = ((await meta.get("wrongPins")) || 0) + 1;
      await meta.set("wrongPins", wrong);
      if (wrong >= MAX_WRONG_PINS) await store.dropBundle();
      return false;
    },
    lock() { keyInMemory = null; },
    async saveBundle(bundle) {
      await run("vault", "readwrite", (s) => s.put(null, "bundle"));
      const box = await seal(bundle);
      await run("vault", "readwrite", (s) => s.put(box, "bundle"));
      await meta.set("wipeAfter", bundle.wipe_after);
    },
    async bundle() {
      const box = await run("vault", "readonly", (s) => s.get("bundle"));
      return box ? unseal(box) : null;
    },
    async dropBundle() { await run("vault", "readwrite", (s) => s.delete("bundle")); },
    // Past the session's absolute limit (SE-02) the kept cases go; no PIN is needed to delete.
    async dropBundleIfExpired() {
      const wipeAfter = await meta.get("wipeAfter");
      if (!wipeAfter || new Date(wipeAfter) >= new Date()) return false;
      await store.dropBundle();
      return true;
    },
    // Is there a store on this phone at all? Asked before opening it where opening would make one.
    async exists() {
      if (!indexedDB.databases) return true;
      return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
    },
    async queue(item, state) {
      const box = await seal(item);
      await run("outbox", "readwrite", (s) => s.put({ id: item.client_id, state: state || "waiting", iv: box.iv, ct: box.ct }));
    },
    async items() {
      const rows = await run("outbox", "readonly", (s) => s.getAll());
      const out = [];
      for (const row of rows) {
        const item = await unseal(row);
        item._state = row.state;
        out.push(item);
      }
      return out;
    },
    async remove(id) { await run("outbox", "readwrite", (s) => s.delete(id)); },
    waitingCount: () => run("outbox", "readonly", (s) => s.count()),
    lastSync: () => meta.get("lastSync"),
    setLastSync: (when) => meta.set("lastSync", when),
    wipeAfter: () => meta.get("wipeAfter"),
    // Sign-out, a deactivated account: nothing of the app is left on the phone.
    async wipe() {
      keyInMemory = null;
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
      try { localStorage.clear(); sessionStorage.clear(); } catch (error) { /* storage disabled */ }
      if (window.caches) {
        const names = await caches.keys();
        await Promise.all(names.filter((n) => n.startsWith("koodak-") && n.endsWith("-shell")).map((n) => caches.delete(n)));
      }
    },
  };
  window.koodakStore = store;
})();
