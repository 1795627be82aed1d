// Live updates for the inbox: an element with data-poll="URL" has its
// content replaced by what URL returns, every data-interval milliseconds
// (default 1000). A textarea with data-count="ID" shows in element ID
// its length and the SMS it takes. No library, nothing fetched from
// elsewhere.
(function () {
  // A thread shows its latest messages first in view.
  function toBottom(el) { if (el.classList.contains("thread")) { el.scrollTop = el.scrollHeight; } }
  document.querySelectorAll(".thread").forEach(toBottom);
  // A refused form comes back with its problem: bring it into view.
  var problem = document.querySelector(".field-error");
  if (problem) { problem.scrollIntoView({ block: "center" }); }
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

  // SMS segments, as dialogues.Segments counts them: GSM-7 is 160
  // characters (153 a part when split, [ ] { } ^ ~ | € \ count twice);
  // any other character makes the text UCS-2: 70 (67 a part).
  var gsm = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var ext = "^{}\\[~]|€\f";
  // What the dispatcher makes plain before sending (dashes, quotes, …).
  function plain(s) {
    return s.replace(/[\u2013\u2014\u2212]/g, "-").replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, "\"").replace(/\u2026/g, "...").replace(/[\u00a0\u2009\u202f]/g, " ");
  }
  function segments(text) {
    var sizes = [], isGSM = true, chars = Array.from(text);
    chars.forEach(function (c) {
      if (gsm.indexOf(c) >= 0) { sizes.push(1); } else if (ext.indexOf(c) >= 0) { sizes.push(2); } else { isGSM = false; }
    });
    if (!isGSM) { sizes = chars.map(function (c) { return c.length; }); }
    var single = isGSM ? 160 : 70, per = isGSM ? 153 : 67;
    var total = sizes.reduce(function (a, b) { return a + b; }, 0);
    if (total <= single) { return { n: text ? 1 : 0, gsm: isGSM }; }
    var n = 1, used = 0;
    sizes.forEach(function (s) { if (used + s > per) { n++; used = 0; } used += s; });
    return { n: n, gsm: isGSM };
  }
  document.querySelectorAll("textarea[data-count]").forEach(function (ta) {
    var out = document.getElementById(ta.getAttribute("data-count"));
    var max = parseInt(ta.getAttribute("data-max") || "1530", 10);
    var sign = ta.getAttribute("data-sign") || "";
    function update() {
      var body = ta.value.trim();
      var n = Array.from(body).length;
      if (!n) { out.textContent = ""; out.classList.remove("over"); return; }
      var s = segments(plain(body + sign));
      out.textContent = n + " characters · " + s.n + (s.n === 1 ? " text" : " texts") +
        (s.gsm ? "" : " (a character in it makes each text shorter: 70, not 160)") +
        (n > max ? " · too long: the limit is " + max : "");
      out.classList.toggle("over", n > max);
    }
    ta.addEventListener("input", update);
    update();
  });
})();
