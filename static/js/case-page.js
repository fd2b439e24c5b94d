// The case page on a phone: the record's sections fold so the page starts with what is due, and
// a link of the in-page index (or any link to a section) unfolds the section it points at.
// Without this script every section stays open and the index still jumps.
(function () {
  var phone = window.matchMedia("(max-width: 991.98px)");

  function setOpen(section, open) {
    var button = section.querySelector(".fold-toggle");
    var body = section.querySelector(".fold-body");
    if (!button || !body) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    body.hidden = !open;
  }

  function makeFoldable(section) {
    var title = section.querySelector(".fold-title");
    var body = section.querySelector(".fold-body");
    if (!title || !body) return;
    // The heading's text becomes a button, so the heading stays a heading for screen readers.
    var button = document.createElement("button");
    button.type = "button";
    button.className = "fold-toggle";
    button.setAttribute("aria-controls", body.id);
    while (title.firstChild) button.appendChild(title.firstChild);
    title.appendChild(button);
    button.addEventListener("click", function () {
      setOpen(section, button.getAttribute("aria-expanded") !== "true");
    });
    setOpen(section, !phone.matches);
  }

  function openTarget(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    var section = target && target.closest("[data-fold]");
    if (section) setOpen(section, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-fold]").forEach(makeFoldable);
    openTarget(window.location.hash);
    // Clicks on in-page links run before the browser scrolls, so the section is open in time.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#"]');
      if (link) openTarget(link.getAttribute("href"));
    });
    window.addEventListener("hashchange", function () {
      openTarget(window.location.hash);
    });
    // The index marks where the reader is, so the sticky bar also says which section is shown.
    var index = document.querySelector(".case-index");
    if (!index || !("IntersectionObserver" in window)) return;
    var links = {};
    index.querySelectorAll("a[href^='#']").forEach(function (link) {
      links[link.getAttribute("href").slice(1)] = link;
    });
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          var link = links[entry.target.id];
          if (!link || !entry.isIntersecting) return;
          index.querySelectorAll("[aria-current]").forEach(function (other) {
            other.removeAttribute("aria-current");
          });
          link.setAttribute("aria-current", "true");
        });
      },
      { rootMargin: "-20% 0px -70% 0px" }
    );
    Object.keys(links).forEach(function (id) {
      var section = document.getElementById(id);
      if (section) observer.observe(section);
    });
  });
})();
