// A page for someone signed out (RE-08, docs/adr/0032): the server no longer knows this phone's
// caseworker (signed out elsewhere, past the session's limit, or deactivated), so the cases the
// offline app kept go now, whether or not the app is ever opened again. Deleting needs no PIN.
// The outbox stays, encrypted: it is unsent work, sent after the next sign-in.
"use strict";
(function () {
  const store = window.koodakStore;
  if (!store) return;
  store.exists()
    .then((found) => found && store.dropBundle())
    .catch(() => { /* storage unavailable: nothing kept */ });
})();
