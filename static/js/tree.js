// Lazy unit tree: a node's children are fetched (one page at a time) only when it is opened.
(function () {
  "use strict";
  function load(url, target, replace) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        if (replace) { replace.insertAdjacentHTML("beforebegin", html); replace.remove(); }
        else { target.innerHTML = html; }
      });
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".qcdc-toggle[data-url]");
    if (toggle) {
      var li = toggle.closest("li");
      var list = li.querySelector(":scope > ul");
      var open = toggle.getAttribute("aria-expanded") === "true";
      if (open) { list.hidden = true; toggle.setAttribute("aria-expanded", "false"); toggle.textContent = "+"; return; }
      toggle.setAttribute("aria-expanded", "true"); toggle.textContent = "−";
      if (list && !list.dataset.failed) { list.hidden = false; return; }
      if (list) { list.remove(); }
      list = document.createElement("ul");
      list.innerHTML = "<li class=\"text-muted small\">…</li>";
      li.appendChild(list);
      load(toggle.dataset.url, list).catch(function () { list.innerHTML = "<li class=\"text-danger small\">" + (document.documentElement.lang === "vi" ? "Không tải được, hãy thử lại." : "Could not load, try again.") + "</li>"; list.dataset.failed = "1"; toggle.setAttribute("aria-expanded", "false"); toggle.textContent = "+"; });
      return;
    }
    var more = event.target.closest(".qcdc-more[data-url]");
    if (more) { more.disabled = true; load(more.dataset.url, null, more.closest("li")); }
  });
})();
