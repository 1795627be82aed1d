// Live updates for the inbox: an element with data-poll="URL" has its
// content replaced by what URL returns, every data-interval milliseconds
// (default 1000). No library, nothing fetched from elsewhere.
(function () {
  // A thread shows its latest messages first in view.
  function toBottom(el) { if (el.classList.contains("thread")) { el.scrollTop = el.scrollHeight; } }
  document.querySelectorAll(".thread").forEach(toBottom);
  document.querySelectorAll("[data-poll]").forEach(function (el) {
    var url = el.getAttribute("data-poll");
    var every = parseInt(el.getAttribute("data-interval") || "1000", 10);
    var last = el.innerHTML;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "X-Linkbot-Poll": "1" } })
        .then(function (r) {
          if (r.status === 401) { window.location = "/login"; return null; }
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          if (html !== null && html !== last) { el.innerHTML = html; last = html; toBottom(el); }
        })
        .catch(function () {})
        .finally(function () { setTimeout(poll, every); });
    }
    setTimeout(poll, every);
  });
})();
